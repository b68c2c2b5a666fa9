package io.nacosistio.plugin.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nacosistio.plugin.resource.Sha256;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;

import java.nio.charset.StandardCharsets;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the index needs from converting one registry service: either a resource to serve (name, content
 * version, metadata and the serialized ServiceEntry) or the reasons it cannot be served. Immutable.
 */
public final class ConvertedService {

    private final String resourceName;
    private final String host;
    private final List<String> aliases;
    private final String version;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final ByteString body;
    private final List<String> rejections;
    private final boolean notSelected;

    private ConvertedService(String resourceName, String host, String version, Map<String, String> labels,
            Map<String, String> annotations, ByteString body, List<String> rejections, boolean notSelected,
            List<String> aliases) {
        this.notSelected = notSelected;
        this.aliases = aliases;
        this.resourceName = resourceName;
        this.host = host;
        this.version = version;
        this.labels = labels;
        this.annotations = annotations;
        this.body = body;
        this.rejections = rejections;
    }

    public static ConvertedService accepted(String resourceName, String host, String version,
            Map<String, String> labels, Map<String, String> annotations, ByteString body) {
        return accepted(resourceName, host, Collections.<String>emptyList(), version, labels, annotations, body);
    }

    /** @param aliases the ServiceEntry's hosts besides {@code host}, each to be unique across the mesh */
    public static ConvertedService accepted(String resourceName, String host, List<String> aliases, String version,
            Map<String, String> labels, Map<String, String> annotations, ByteString body) {
        return new ConvertedService(resourceName, host, version, labels, annotations, body,
                Collections.<String>emptyList(), false, Collections.unmodifiableList(new java.util.ArrayList<>(aliases)));
    }

    public static ConvertedService rejected(List<String> reasons) {
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejection needs at least one reason");
        }
        return new ConvertedService(null, null, null, null, null, null,
                Collections.unmodifiableList(reasons), false, Collections.<String>emptyList());
    }

    /** A service that a selection rule leaves out of the mesh: served as if it did not exist. */
    public static ConvertedService notSelected(String rule) {
        return new ConvertedService(null, null, null, null, null, null, Collections.singletonList(rule), true,
                Collections.<String>emptyList());
    }

    /** Left out by a selection rule (its only rejection names the rule), as opposed to failing to convert. */
    public boolean isNotSelected() {
        return notSelected;
    }

    public boolean isAccepted() {
        return rejections.isEmpty();
    }

    /** {@code <istio-namespace>/<name>}; null when rejected. */
    public String resourceName() {
        return resourceName;
    }

    public String host() {
        return host;
    }

    /** Extra hosts besides {@link #host()}; empty when none or rejected. */
    public List<String> aliases() {
        return aliases;
    }

    public String version() {
        return version;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    /** The serialized {@code istio.networking.v1alpha3.ServiceEntry}. */
    public ByteString body() {
        return body;
    }

    /**
     * The same service with {@code spec.addresses} set. Its version is a hash of this version and the
     * addresses, so it stays a content hash that every node computes alike.
     */
    public ConvertedService withAddresses(List<String> addresses) {
        if (addresses.isEmpty() || !isAccepted()) {
            return this;
        }
        ServiceEntry entry;
        try {
            entry = ServiceEntry.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a converted ServiceEntry does not parse", e);
        }
        ByteString withAddresses = entry.toBuilder().clearAddresses().addAllAddresses(addresses).build().toByteString();
        String addressedVersion = Sha256.hex((version + '\0' + String.join(",", addresses))
                .getBytes(StandardCharsets.UTF_8), version.length());
        return new ConvertedService(resourceName, host, addressedVersion, labels, annotations, withAddresses,
                rejections, notSelected, aliases);
    }

    /** Why the service is not served; empty when accepted. */
    public List<String> rejections() {
        return rejections;
    }
}
