package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.source.RegistryInstance;

import java.util.ArrayList;
import java.util.List;

/**
 * Which instances become endpoints: enabled, healthy and weighted above zero; but when the healthy share
 * of enabled instances falls below the service's protect threshold, every enabled instance, as Nacos
 * itself then pushes to its own clients.
 */
final class EndpointSelector {

    private EndpointSelector() {
    }

    static List<RegistryInstance> eligible(List<RegistryInstance> instances, float protectThreshold) {
        int enabled = 0;
        int healthy = 0;
        for (RegistryInstance instance : instances) {
            if (instance.enabled()) {
                enabled++;
                if (instance.healthy()) {
                    healthy++;
                }
            }
        }
        boolean protect = enabled > 0 && protectThreshold > 0 && (float) healthy / enabled < protectThreshold;
        List<RegistryInstance> result = new ArrayList<>();
        for (RegistryInstance instance : instances) {
            boolean positiveWeight = instance.weight() > 0 && !Double.isNaN(instance.weight());
            if (instance.enabled() && positiveWeight && (protect || instance.healthy())) {
                result.add(instance);
            }
        }
        return result;
    }
}
