package io.nacosistio.plugin.document;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes-style Istio documents write them ({@code 100ms}, {@code 1m30s}, {@code 1.5s},
 * {@code 1h}), turned into the seconds form protobuf's JSON parser reads ({@code 90s}, {@code 0.1s}).
 */
final class GoDurations {

    private static final Pattern WHOLE = Pattern.compile("[-+]?((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(315_576_000_000L);

    private GoDurations() {
    }

    /** The protobuf JSON form of {@code text}, or null when it is not a duration. */
    static String toProtoJson(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            return null;
        }
        boolean negative = text.startsWith("-");
        BigDecimal seconds = BigDecimal.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            seconds = seconds.add(new BigDecimal(part.group(1)).multiply(unitSeconds(part.group(2))));
        }
        if (seconds.compareTo(MAX_SECONDS) > 0) {
            return null;
        }
        // protobuf keeps nanosecond precision: more digits would be rejected by its parser
        seconds = seconds.setScale(9, java.math.RoundingMode.DOWN).stripTrailingZeros();
        return (negative ? "-" : "") + seconds.toPlainString() + "s";
    }

    private static BigDecimal unitSeconds(String unit) {
        switch (unit) {
            case "ns":
                return new BigDecimal("0.000000001");
            case "us":
            case "µs":
                return new BigDecimal("0.000001");
            case "ms":
                return new BigDecimal("0.001");
            case "s":
                return BigDecimal.ONE;
            case "m":
                return BigDecimal.valueOf(60);
            default:
                return BigDecimal.valueOf(3600);
        }
    }
}
