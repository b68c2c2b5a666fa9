package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.resource.Sha256;
import io.nacosistio.plugin.validation.DnsNameRules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** DNS-1123 names: sanitizing and deterministic shortening (the checks are in {@code validation}). Pure functions. */
final class DnsNames {

    static final int MAX_LABEL = DnsNameRules.MAX_LABEL;
    static final int MAX_NAME = DnsNameRules.MAX_NAME;

    private DnsNames() {
    }

    /**
     * Turns free text into dot-separated DNS labels: optional lowercasing, every character other than a
     * letter, digit, {@code -} or {@code .} becomes {@code -}, runs of {@code -} collapse, labels lose
     * leading and trailing {@code -}, empty labels vanish, and a label over 63 characters is shortened
     * with a hash of the original so that distinct inputs stay distinct.
     */
    static String sanitize(String raw, boolean lowercase) {
        String s = lowercase ? raw.toLowerCase(Locale.ROOT) : raw;
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '-';
            char mapped = ok ? c : '-';
            if (mapped == '-' && out.length() > 0 && out.charAt(out.length() - 1) == '-') {
                continue;
            }
            out.append(mapped);
        }
        List<String> labels = new ArrayList<>();
        for (String label : out.toString().split("\\.")) {
            String trimmed = trimDashes(label);
            if (trimmed.isEmpty()) {
                continue;
            }
            labels.add(trimmed.length() > MAX_LABEL ? shortenLabel(trimmed) : trimmed);
        }
        return String.join(".", labels);
    }

    /** Shortens a label to 63 characters: a prefix, a dash and 8 hex characters of the label's hash. */
    static String shortenLabel(String label) {
        String hash = hash(label, 8);
        return trimDashes(label.substring(0, MAX_LABEL - hash.length() - 1)) + "-" + hash;
    }

    static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }

    /** The first {@code hexChars} hex characters of the SHA-256 of the text. */
    static String hash(String text, int hexChars) {
        return Sha256.hex(text.getBytes(StandardCharsets.UTF_8), hexChars);
    }
}
