package io.nacosistio.it.istiod;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of istiod's Prometheus metrics. Counters are looked up by name and one label, e.g.
 * {@code pilot_xds_pushes{type="eds"}} (pushes sent to proxies, per xDS type) or
 * {@code pilot_push_triggers{type="endpoint"}} (why a push was started). A series istiod has not created yet
 * reads as 0, as Prometheus counters start.
 */
public final class IstiodMetrics {

    /** Pushes of each xDS type istiod sent to connected proxies. */
    public static final String XDS_PUSHES = "pilot_xds_pushes";
    /** Push requests by reason: {@code endpoint} (incremental, EDS only), {@code service}, {@code config} (full). */
    public static final String PUSH_TRIGGERS = "pilot_push_triggers";

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Sample value by series, the series written {@code name{k="v",...}} with labels in name order. */
    private final Map<String, Double> samples;

    private IstiodMetrics(Map<String, Double> samples) {
        this.samples = samples;
    }

    static IstiodMetrics parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.put(series(m.group(1), labels), Double.parseDouble(m.group(4)));
        }
        return new IstiodMetrics(samples);
    }

    private static String series(String name, Map<String, String> labels) {
        StringBuilder out = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
        return out.append('}').toString();
    }

    /** The sum of every series of {@code name} whose label {@code label} is {@code value}; 0 when there is none. */
    public long count(String name, String label, String value) {
        String prefix = name + "{";
        String wanted = label + "=\"" + value + "\",";
        double sum = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String series = e.getKey();
            if (series.startsWith(prefix) && (series.contains("{" + wanted) || series.contains("," + wanted))) {
                sum += e.getValue();
            }
        }
        return Math.round(sum);
    }

    /** {@code pilot_xds_pushes} of one xDS type ({@code cds}, {@code eds}, {@code lds}, {@code rds}, {@code nds}). */
    public long pushes(String xdsType) {
        return count(XDS_PUSHES, "type", xdsType);
    }

    /** {@code pilot_push_triggers} of one reason. */
    public long triggers(String reason) {
        return count(PUSH_TRIGGERS, "type", reason);
    }

    /** The counts of {@code name} by the values of {@code label}, e.g. every push type with its count. */
    public Map<String, Long> byLabel(String name, String label) {
        Map<String, Long> counts = new TreeMap<>();
        Pattern value = Pattern.compile("[{,]" + label + "=\"([^\"]*)\"");
        samples.forEach((series, v) -> {
            if (series.startsWith(name + "{")) {
                Matcher m = value.matcher(series);
                if (m.find()) {
                    counts.merge(m.group(1), Math.round(v), Long::sum);
                }
            }
        });
        return counts;
    }

    /** An unlabelled series, e.g. {@code go_memstats_heap_inuse_bytes} or a histogram's {@code _count}; NaN when absent. */
    public double value(String name) {
        return samples.getOrDefault(name + "{}", Double.NaN);
    }
}
