package io.nacosistio.plugin.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.nacosistio.plugin.metrics.PluginMeter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's metrics in Nacos's own meter registry ({@link Metrics#globalRegistry}: Nacos registers its
 * metrics there, and Spring Boot adds every registry it creates, the Prometheus one behind
 * {@code /nacos/actuator/prometheus} among them). Counters and gauges read the plugin's values when scraped.
 * A labelled meter's label values (e.g. namespaces) come and go: they are brought up to date every
 * {@value #LABEL_REFRESH_SECONDS} s on the daemon thread {@code nacos-mesh-metrics}, which owns that state.
 * Only loaded when Micrometer is on Nacos's class path.
 */
public final class MicrometerMeters implements AutoCloseable {

    static final long LABEL_REFRESH_SECONDS = 5;

    private final MeterRegistry registry;
    /** Micrometer holds a function meter's object weakly: these keep them alive while registered. */
    private final List<PluginMeter> held;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<PluginMeter, Map<List<String>, Meter>> labelled = new HashMap<>();
    private final ScheduledExecutorService refresher;

    private MicrometerMeters(MeterRegistry registry, List<PluginMeter> plugin) {
        this.registry = registry;
        this.held = new ArrayList<>(plugin);
        boolean anyLabelled = false;
        for (PluginMeter meter : plugin) {
            if (!meter.labelKeys().isEmpty()) {
                labelled.put(meter, new HashMap<>());
                anyLabelled = true;
            } else if (meter.type() == PluginMeter.Type.COUNTER) {
                meters.add(FunctionCounter.builder(meter.name(), meter, PluginMeter::value)
                        .description(meter.help()).register(registry));
            } else {
                meters.add(Gauge.builder(meter.name(), meter, PluginMeter::value)
                        .description(meter.help()).register(registry));
            }
        }
        refreshLabels();
        refresher = anyLabelled ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nacos-mesh-metrics");
            t.setDaemon(true);
            return t;
        }) : null;
        if (refresher != null) {
            refresher.scheduleWithFixedDelay(this::refreshLabelsQuietly, LABEL_REFRESH_SECONDS, LABEL_REFRESH_SECONDS,
                    TimeUnit.SECONDS);
        }
    }

    /** Registers every meter with Nacos's global registry. */
    public static MicrometerMeters register(List<PluginMeter> meters) {
        return new MicrometerMeters(Metrics.globalRegistry, meters);
    }

    /** Registers every meter with the given registry (tests). */
    static MicrometerMeters register(MeterRegistry registry, List<PluginMeter> meters) {
        return new MicrometerMeters(registry, meters);
    }

    private void refreshLabelsQuietly() {
        try {
            refreshLabels();
        } catch (RuntimeException e) {
            // a failing reader must not end the schedule; the next round tries again
        }
    }

    /** Adds a meter for each new combination of label values and removes those of combinations that are gone. */
    synchronized void refreshLabels() {
        for (Map.Entry<PluginMeter, Map<List<String>, Meter>> entry : labelled.entrySet()) {
            PluginMeter meter = entry.getKey();
            Map<List<String>, Meter> byLabels = entry.getValue();
            Map<List<String>, ? extends Number> now = meter.values();
            for (List<String> labels : now.keySet()) {
                if (!byLabels.containsKey(labels)) {
                    byLabels.put(labels, register(meter, labels));
                }
            }
            byLabels.entrySet().removeIf(e -> {
                if (now.containsKey(e.getKey())) {
                    return false;
                }
                registry.remove(e.getValue());
                return true;
            });
        }
    }

    private Meter register(PluginMeter meter, List<String> labels) {
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            tags.add(Tag.of(meter.labelKeys().get(i), labels.get(i)));
        }
        if (meter.type() == PluginMeter.Type.COUNTER) {
            return FunctionCounter.builder(meter.name(), meter, m -> valueOf(m, labels)).tags(tags)
                    .description(meter.help()).register(registry);
        }
        return Gauge.builder(meter.name(), meter, m -> valueOf(m, labels)).tags(tags).description(meter.help())
                .register(registry);
    }

    private static double valueOf(PluginMeter meter, List<String> labels) {
        Number value = meter.values().get(labels);
        return value == null ? 0 : value.doubleValue();
    }

    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        for (Map<List<String>, Meter> byLabel : labelled.values()) {
            for (Meter meter : byLabel.values()) {
                registry.remove(meter);
            }
        }
        meters.clear();
        labelled.clear();
        held.clear();
    }
}
