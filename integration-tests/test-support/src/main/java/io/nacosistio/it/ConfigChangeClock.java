package io.nacosistio.it;

import com.alibaba.nacos.common.notify.Event;
import com.alibaba.nacos.common.notify.NotifyCenter;
import com.alibaba.nacos.common.notify.listener.Subscriber;
import com.alibaba.nacos.config.server.model.event.LocalDataChangeEvent;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records when the Nacos in this JVM announces that it has stored a config change (its
 * {@code LocalDataChangeEvent}, the event the plugin reacts to), so a test can tell Nacos's own time to
 * store a publish from the plugin's time to deliver it.
 */
public final class ConfigChangeClock extends Subscriber<LocalDataChangeEvent> implements AutoCloseable {

    private final ConcurrentHashMap<String, Long> lastChange = new ConcurrentHashMap<>();

    private ConfigChangeClock() {
    }

    public static ConfigChangeClock start() {
        ConfigChangeClock clock = new ConfigChangeClock();
        NotifyCenter.registerSubscriber(clock);
        return clock;
    }

    /** Forgets earlier changes of this config. */
    public void reset(String dataId, String group) {
        lastChange.remove(key(dataId, group));
    }

    /** The nano time Nacos announced the change of this config (default namespace), waiting up to 10 s. */
    public long awaitChange(String dataId, String group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Long at = lastChange.get(key(dataId, group));
            if (at != null) {
                return at;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("Nacos announced no change of " + dataId + " in 10 s");
    }

    @Override
    public void onEvent(LocalDataChangeEvent event) {
        long now = System.nanoTime();
        String[] parts = event.groupKey.split("\\+");
        if (parts.length >= 2) {
            lastChange.put(key(parts[0], parts[1]), now);
        }
    }

    @Override
    public Class<? extends Event> subscribeType() {
        return LocalDataChangeEvent.class;
    }

    @Override
    public void close() {
        NotifyCenter.deregisterSubscriber(this);
    }

    private static String key(String dataId, String group) {
        return dataId + "+" + group;
    }
}
