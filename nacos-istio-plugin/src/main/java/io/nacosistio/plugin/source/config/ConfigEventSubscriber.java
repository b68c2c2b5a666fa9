package io.nacosistio.plugin.source.config;

import com.alibaba.nacos.common.notify.Event;
import com.alibaba.nacos.common.notify.NotifyCenter;
import com.alibaba.nacos.common.notify.listener.Subscriber;
import com.alibaba.nacos.config.server.model.event.LocalDataChangeEvent;
import com.alibaba.nacos.config.server.utils.GroupKey2;
import io.nacosistio.plugin.source.ConfigChangeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Nacos's {@code LocalDataChangeEvent} into change notifications. Every node of a cluster raises
 * that event once it has stored a change locally, whichever node took the publish, so every node's
 * plugin sees every change.
 *
 * <p>Threading: {@link #onEvent} runs on Nacos's event thread and only parses the key and hands it on.
 */
final class ConfigEventSubscriber extends Subscriber<LocalDataChangeEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigEventSubscriber.class);

    private final ConfigStoreReader reader;
    private final ConfigChangeListener listener;

    ConfigEventSubscriber(ConfigStoreReader reader, ConfigChangeListener listener) {
        this.reader = reader;
        this.listener = listener;
    }

    void register() {
        NotifyCenter.registerSubscriber(this);
    }

    void deregister() {
        NotifyCenter.deregisterSubscriber(this);
    }

    @Override
    public void onEvent(LocalDataChangeEvent event) {
        try {
            String[] parts = GroupKey2.parseKey(event.groupKey);
            String group = parts[1];
            if (reader.mayHoldDocuments(group)) {
                listener.configChanged(reader.keyOf(parts[0], group, parts.length > 2 ? parts[2] : ""));
            }
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: ignoring config change event {}: {}", event.groupKey, e.toString());
        }
    }

    @Override
    public Class<? extends Event> subscribeType() {
        return LocalDataChangeEvent.class;
    }
}
