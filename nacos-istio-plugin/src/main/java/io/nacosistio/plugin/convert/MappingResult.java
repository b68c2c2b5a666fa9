package io.nacosistio.plugin.convert;

import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The outcome of mapping one Nacos service: a valid ServiceEntry with its metadata, the reasons it has
 * none, or the rule that leaves it out of the mesh on purpose (not selected).
 */
public final class MappingResult {

    private final String resourceName;
    private final String host;
    private final ServiceEntry serviceEntry;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final String version;
    private final List<String> errors;
    private final int droppedLabels;
    private final int skippedInstances;
    private final String notSelectedBy;
    private final List<String> aliases;

    MappingResult(String resourceName, String host, ServiceEntry serviceEntry, Map<String, String> labels,
            Map<String, String> annotations, String version, List<String> errors, int droppedLabels,
            int skippedInstances) {
        this(resourceName, host, Collections.<String>emptyList(), serviceEntry, labels, annotations, version, errors,
                droppedLabels, skippedInstances, null);
    }

    MappingResult(String resourceName, String host, List<String> aliases, ServiceEntry serviceEntry,
            Map<String, String> labels, Map<String, String> annotations, String version, List<String> errors,
            int droppedLabels, int skippedInstances, String notSelectedBy) {
        this.notSelectedBy = notSelectedBy;
        this.aliases = Collections.unmodifiableList(new ArrayList<>(aliases));
        this.resourceName = resourceName;
        this.host = host;
        this.serviceEntry = serviceEntry;
        this.labels = labels;
        this.annotations = annotations;
        this.version = version;
        this.errors = Collections.unmodifiableList(errors);
        this.droppedLabels = droppedLabels;
        this.skippedInstances = skippedInstances;
    }

    /** A service that a rule leaves out of the mesh; {@code rule} says which, for the debug view. */
    static MappingResult notSelected(String rule) {
        return new MappingResult(null, null, Collections.<String>emptyList(), ServiceEntry.getDefaultInstance(),
                Collections.<String, String>emptyMap(), Collections.<String, String>emptyMap(), null,
                Collections.<String>emptyList(), 0, 0, rule);
    }

    /** Whether the service is to be served: selected and without errors. */
    public boolean isValid() {
        return notSelectedBy == null && errors.isEmpty();
    }

    /** Whether the service is in the mesh's selection; when not, {@link #notSelectedBy()} says why. */
    public boolean isSelected() {
        return notSelectedBy == null;
    }

    /** The rule that leaves the service out ({@code "not selected: ..."}); null when selected. */
    public String notSelectedBy() {
        return notSelectedBy;
    }

    /** {@code <istio-namespace>/<name>}. */
    public String resourceName() {
        return resourceName;
    }

    /** The service's own host (derived, or its {@code istio.hostname}). */
    public String host() {
        return host;
    }

    /** The extra hosts of its {@code istio.aliases} metadata, in the order given. */
    public List<String> aliases() {
        return aliases;
    }


    /** The ServiceEntry (also built when invalid, for diagnosis). */
    public ServiceEntry serviceEntry() {
        return serviceEntry;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    /** Content hash of everything sent for the resource; identical for identical content on any node. */
    public String version() {
        return version;
    }

    /** Why the service cannot be served; empty when valid. */
    public List<String> errors() {
        return errors;
    }

    /** Metadata entries left out of endpoint or resource labels because they are not valid labels. */
    public int droppedLabels() {
        return droppedLabels;
    }

    /** Instances left out because their address or port is unusable. */
    public int skippedInstances() {
        return skippedInstances;
    }
}
