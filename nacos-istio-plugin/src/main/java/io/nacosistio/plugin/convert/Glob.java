package io.nacosistio.plugin.convert;

import java.util.regex.Pattern;

/**
 * A glob pattern over a whole name: {@code *} matches any run of characters (none included), {@code ?}
 * exactly one, every other character itself, case-sensitively (Nacos names are). Immutable.
 */
final class Glob {

    private final String text;
    private final Pattern pattern;

    Glob(String text) {
        this.text = text;
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        this.pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
