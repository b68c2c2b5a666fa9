package io.nacosistio.plugin.validation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.nio.charset.StandardCharsets;

/**
 * Regexes as istiod checks them: compiled with RE2 semantics (no lookaround, backreferences or possessive
 * quantifiers), at most 1024 bytes, and refused with istiod's wording. Pure functions.
 */
public final class Re2Regexes {

    /** Envoy's program-size limit, approximated by length the way istiod does. */
    static final int MAX_LENGTH = 1024;
    private static final String RE2_HINT =
            "; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)";

    private Re2Regexes() {
    }

    /** Why istiod would refuse the (non-empty) regex, or null when it compiles. */
    public static String error(String regex) {
        if (regex.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return "regex is too large, max length allowed is " + MAX_LENGTH;
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            // re2j words its errors like Go's regexp: "error parsing regexp: <code>: `<fragment>`".
            return e.getMessage() + RE2_HINT;
        }
    }
}
