package io.nacosistio.plugin.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * One of the plugin's metrics as data: its Prometheus name (a counter's without {@code _total}), help text,
 * type, and how to read it now. One list of these feeds both the debug port's text and Nacos's Micrometer
 * registry, so the names and values are the same in both. Immutable; the readers are safe from any thread.
 */
public final class PluginMeter {

    /** Counters only go up; gauges are read as they are. */
    public enum Type { COUNTER, GAUGE }

    private final String name;
    private final String help;
    private final Type type;
    private final List<String> labelKeys;
    private final DoubleSupplier value;
    private final Supplier<Map<List<String>, ? extends Number>> labelled;

    private PluginMeter(String name, String help, Type type, List<String> labelKeys, DoubleSupplier value,
            Supplier<Map<List<String>, ? extends Number>> labelled) {
        this.name = name;
        this.help = help;
        this.type = type;
        this.labelKeys = Collections.unmodifiableList(new ArrayList<>(labelKeys));
        this.value = value;
        this.labelled = labelled;
    }

    public static PluginMeter counter(String name, String help, DoubleSupplier value) {
        return new PluginMeter(name, help, Type.COUNTER, Collections.<String>emptyList(), value, null);
    }

    public static PluginMeter gauge(String name, String help, DoubleSupplier value) {
        return new PluginMeter(name, help, Type.GAUGE, Collections.<String>emptyList(), value, null);
    }

    /** A gauge with one label, a value per label value (e.g. per namespace); the set of labels may change. */
    public static PluginMeter labelledGauge(String name, String help, String labelKey,
            Supplier<Map<String, ? extends Number>> values) {
        return new PluginMeter(name, help, Type.GAUGE, Collections.singletonList(labelKey), null, () -> {
            Map<List<String>, Number> byLabels = new LinkedHashMap<>();
            for (Map.Entry<String, ? extends Number> e : values.get().entrySet()) {
                byLabels.put(Collections.singletonList(e.getKey()), e.getValue());
            }
            return byLabels;
        });
    }

    /**
     * A counter with labels, a value per combination of label values (in the order of {@code labelKeys}); the set
     * of combinations may grow.
     */
    public static PluginMeter labelledCounter(String name, String help, List<String> labelKeys,
            Supplier<Map<List<String>, ? extends Number>> values) {
        return new PluginMeter(name, help, Type.COUNTER, labelKeys, null, values);
    }

    public String name() {
        return name;
    }

    public String help() {
        return help;
    }

    public Type type() {
        return type;
    }

    /** The labels' keys; empty for an unlabelled meter. */
    public List<String> labelKeys() {
        return labelKeys;
    }

    /** The value of an unlabelled meter. */
    public double value() {
        return value.getAsDouble();
    }

    /** The values of a labelled meter, by label values (in the order of the keys); empty for an unlabelled meter. */
    public Map<List<String>, ? extends Number> values() {
        return labelled == null ? Collections.<List<String>, Number>emptyMap() : labelled.get();
    }
}
