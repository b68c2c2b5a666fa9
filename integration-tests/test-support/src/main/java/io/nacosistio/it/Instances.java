package io.nacosistio.it;

import com.alibaba.nacos.api.naming.pojo.Instance;

import java.util.HashMap;
import java.util.Map;

/** Nacos client instances as the contract tests register them (cluster DEFAULT, healthy, enabled, ephemeral). */
public final class Instances {

    private Instances() {
    }

    /** An instance at {@code ip:port} with the given weight and a mutable copy of {@code metadata}. */
    public static Instance instance(String ip, int port, double weight, Map<String, String> metadata) {
        Instance instance = new Instance();
        instance.setIp(ip);
        instance.setPort(port);
        instance.setWeight(weight);
        instance.setMetadata(new HashMap<>(metadata));
        return instance;
    }
}
