package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies {@link SelectionRules} to one service: whether the mesh sees it (and if not, the rule that
 * excluded it, for {@code /debug/skipped}), and which of its instances opted out. Pure.
 */
final class ServiceSelector {

    /** The outcome: the rule that leaves the service out, or the instances that stay in. */
    static final class Selection {
        final String notSelectedBy;
        final List<RegistryInstance> instances;
        final String error;

        private Selection(String notSelectedBy, List<RegistryInstance> instances, String error) {
            this.notSelectedBy = notSelectedBy;
            this.instances = instances;
            this.error = error;
        }
    }

    private final SelectionRules rules;

    ServiceSelector(SelectionRules rules) {
        this.rules = rules;
    }

    Selection select(RegistryService service) {
        String byName = ruleExcluding(service.key());
        if (byName != null) {
            return new Selection(byName, null, null);
        }
        String key = rules.metadataKey;
        String serviceValue = service.metadata().get(key);
        Boolean serviceSays = parse(serviceValue);
        if (serviceValue != null && serviceSays == null) {
            return new Selection(null, service.instances(), "metadata " + key + "='" + serviceValue
                    + "' is neither true nor false");
        }
        if (Boolean.FALSE.equals(serviceSays)) {
            return new Selection("not selected: service metadata " + key + "=false", null, null);
        }
        boolean fallback = serviceSays != null ? serviceSays : !rules.optIn;
        List<RegistryInstance> kept = new ArrayList<>();
        int optedOut = 0;
        for (RegistryInstance instance : service.instances()) {
            String value = instance.metadata().get(key);
            Boolean says = parse(value);
            if (value != null && says == null) {
                return new Selection(null, service.instances(), "instance " + instance.ip() + ":" + instance.port()
                        + " metadata " + key + "='" + value + "' is neither true nor false");
            }
            if (says != null ? says : fallback) {
                kept.add(instance);
            } else if (Boolean.FALSE.equals(says)) {
                optedOut++;
            }
        }
        if (rules.optIn && serviceSays == null && kept.isEmpty()) {
            return new Selection("not selected: " + SelectionRules.PROPERTY_PREFIX + "opt-in=true and neither the "
                    + "service nor any instance has metadata " + key + "=true", null, null);
        }
        if (serviceSays == null && !service.instances().isEmpty() && optedOut == service.instances().size()) {
            return new Selection("not selected: every instance has metadata " + key + "=false", null, null);
        }
        return new Selection(null, kept, null);
    }

    /** The name rule that leaves a service out, or null. */
    private String ruleExcluding(ServiceKey key) {
        String why = check("namespace", key.namespaceId(), rules.includeNamespaces, rules.excludeNamespaces,
                "namespaces");
        if (why == null) {
            why = check("group", key.group(), rules.includeGroups, rules.excludeGroups, "groups");
        }
        if (why == null) {
            why = check("service", key.serviceName(), rules.includeServices, rules.excludeServices, "services");
        }
        return why;
    }

    private static String check(String what, String name, List<Glob> include, List<Glob> exclude, String property) {
        if (!include.isEmpty() && first(include, name) == null) {
            return "not selected: " + what + " '" + name + "' matches none of " + SelectionRules.PROPERTY_PREFIX
                    + property + ".include " + include;
        }
        Glob excluded = first(exclude, name);
        if (excluded != null) {
            return "not selected: " + what + " '" + name + "' matches " + SelectionRules.PROPERTY_PREFIX + property
                    + ".exclude pattern '" + excluded + "'";
        }
        return null;
    }

    private static Glob first(List<Glob> globs, String name) {
        for (Glob g : globs) {
            if (g.matches(name)) {
                return g;
            }
        }
        return null;
    }

    private static Boolean parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.equals("true") ? Boolean.TRUE : v.equals("false") ? Boolean.FALSE : null;
    }
}
