package io.nacosistio.plugin.assembly;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code nacos.mesh.*} properties (from Nacos's environment, handed over as a lookup) with explicit
 * parsing, so the plugin behaves the same under Spring Boot 2 and 3 and a bad value fails with a message that
 * names it.
 */
final class PropertyReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?");

    /** A property's raw value by name, or null when it is not set. */
    private final Function<String, String> properties;

    PropertyReader(Function<String, String> properties) {
        this.properties = properties;
    }

    String string(String name, String defaultValue) {
        String value = properties.apply(name);
        return value == null ? defaultValue : value.trim();
    }

    boolean bool(String name, boolean defaultValue) {
        String value = properties.apply(name);
        if (value == null || value.trim().isEmpty()) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw invalid(name, value, "true or false");
    }

    int positiveInt(String name, int defaultValue) {
        String value = properties.apply(name);
        if (value == null || value.trim().isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, value, "a positive whole number");
    }

    int port(String name, int defaultValue) {
        String value = properties.apply(name);
        if (value == null || value.trim().isEmpty()) {
            return defaultValue;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, value, "a port number from 0 to 65535");
    }

    /** A duration such as {@code 100ms}, {@code 2s}, {@code 5m}; a bare number is milliseconds. */
    long millis(String name, long defaultMillis) {
        String value = properties.apply(name);
        if (value == null || value.trim().isEmpty()) {
            return defaultMillis;
        }
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(name, value, "a duration such as 100ms, 2s or 5m");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        switch (unit) {
            case "s":
                return TimeUnit.SECONDS.toMillis(amount);
            case "m":
                return TimeUnit.MINUTES.toMillis(amount);
            case "h":
                return TimeUnit.HOURS.toMillis(amount);
            default:
                return amount;
        }
    }

    /** A size such as {@code 64MB}, {@code 512KB}; a bare number is bytes. */
    int bytes(String name, int defaultBytes) {
        String value = properties.apply(name);
        if (value == null || value.trim().isEmpty()) {
            return defaultBytes;
        }
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(name, value, "a size such as 512KB or 64MB");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor = unit.equals("kb") ? 1024L : unit.equals("mb") ? 1024L * 1024 : unit.equals("gb") ? 1L << 30 : 1;
        long result = amount * factor;
        if (result > Integer.MAX_VALUE) {
            throw invalid(name, value, "at most 2GB");
        }
        return (int) result;
    }

    /** A comma-separated list; empty entries are dropped. */
    List<String> list(String name) {
        String value = properties.apply(name);
        if (value == null || value.trim().isEmpty()) {
            return Collections.emptyList();
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.trim().isEmpty()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    /** A comma-separated list, or {@code defaults} when the property is not set at all (set but empty: none). */
    List<String> list(String name, List<String> defaults) {
        return properties.apply(name) == null ? defaults : list(name);
    }

    /** A comma-separated list of {@code key=value} pairs. */
    Map<String, String> pairs(String name) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : list(name)) {
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw invalid(name, item, "entries of the form key=value");
            }
            pairs.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return pairs;
    }

    private static IllegalArgumentException invalid(String name, String value, String expected) {
        return new IllegalArgumentException("property " + name + "=" + value + " is invalid: expected " + expected);
    }
}
