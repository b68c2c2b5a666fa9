package io.nacosistio.plugin.metrics;

import java.util.Collections;
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
    private final String labelKey;
    private final DoubleSupplier value;
    private final Supplier<Map<String, ? extends Number>> labelled;

    private PluginMeter(String name, String help, Type type, String labelKey, DoubleSupplier value,
            Supplier<Map<String, ? extends Number>> labelled) {
        this.name = name;
        this.help = help;
        this.type = type;
        this.labelKey = labelKey;
        this.value = value;
        this.labelled = labelled;
    }

    public static PluginMeter counter(String name, String help, DoubleSupplier value) {
        return new PluginMeter(name, help, Type.COUNTER, null, value, null);
    }

    public static PluginMeter gauge(String name, String help, DoubleSupplier value) {
        return new PluginMeter(name, help, Type.GAUGE, null, value, null);
    }

    /** A gauge with one label, a value per label value (e.g. per namespace); the set of labels may change. */
    public static PluginMeter labelledGauge(String name, String help, String labelKey,
            Supplier<Map<String, ? extends Number>> values) {
        return new PluginMeter(name, help, Type.GAUGE, labelKey, null, values);
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

    /** The label's key, or null for an unlabelled meter. */
    public String labelKey() {
        return labelKey;
    }

    /** The value of an unlabelled meter. */
    public double value() {
        return value.getAsDouble();
    }

    /** The values of a labelled gauge, by label value; empty for an unlabelled meter. */
    public Map<String, ? extends Number> values() {
        return labelled == null ? Collections.<String, Number>emptyMap() : labelled.get();
    }
}
