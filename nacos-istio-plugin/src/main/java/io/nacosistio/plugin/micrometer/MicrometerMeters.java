package io.nacosistio.plugin.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
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
 * A labelled gauge's label values (e.g. namespaces) come and go: they are brought up to date every
 * {@value #LABEL_REFRESH_SECONDS} s on the daemon thread {@code nacos-mesh-metrics}, which owns that state.
 * Only loaded when Micrometer is on Nacos's class path.
 */
public final class MicrometerMeters implements AutoCloseable {

    static final long LABEL_REFRESH_SECONDS = 5;

    private final MeterRegistry registry;
    /** Micrometer holds a function meter's object weakly: these keep them alive while registered. */
    private final List<PluginMeter> held;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<PluginMeter, Map<String, Meter>> labelled = new HashMap<>();
    private final ScheduledExecutorService refresher;

    private MicrometerMeters(MeterRegistry registry, List<PluginMeter> plugin) {
        this.registry = registry;
        this.held = new ArrayList<>(plugin);
        boolean anyLabelled = false;
        for (PluginMeter meter : plugin) {
            if (meter.labelKey() != null) {
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

    /** Adds a gauge for each new label value and removes those of label values that are gone. */
    synchronized void refreshLabels() {
        for (Map.Entry<PluginMeter, Map<String, Meter>> entry : labelled.entrySet()) {
            PluginMeter meter = entry.getKey();
            Map<String, Meter> byLabel = entry.getValue();
            Map<String, ? extends Number> now = meter.values();
            for (String label : now.keySet()) {
                if (!byLabel.containsKey(label)) {
                    byLabel.put(label, Gauge.builder(meter.name(), meter, m -> valueOf(m, label))
                            .tags(Tags.of(meter.labelKey(), label)).description(meter.help()).register(registry));
                }
            }
            byLabel.entrySet().removeIf(e -> {
                if (now.containsKey(e.getKey())) {
                    return false;
                }
                registry.remove(e.getValue());
                return true;
            });
        }
    }

    private static double valueOf(PluginMeter meter, String label) {
        Number value = meter.values().get(label);
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
        for (Map<String, Meter> byLabel : labelled.values()) {
            for (Meter meter : byLabel.values()) {
                registry.remove(meter);
            }
        }
        meters.clear();
        labelled.clear();
        held.clear();
    }
}
