package io.nacosistio.plugin.resource;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.nacosistio.proto.istio.mcp.v1alpha1.Metadata;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;

import java.util.Map;
import java.util.Objects;

/**
 * One resource ready for the wire: an {@code istio.mcp.v1alpha1.Resource} packed into an {@code Any}.
 * It is built and serialized once, then the same immutable message is shared by every stream.
 */
public final class McpResource {

    static final String RESOURCE_TYPE_URL = "type.googleapis.com/istio.mcp.v1alpha1.Resource";

    /**
     * The creation time of a resource whose source keeps none that every Nacos node shares (registry
     * services; a config without a stored creation time): a fixed instant, 2020-01-01T00:00:00Z. Never the
     * time a node first saw the object, which differs between nodes and restarts and would make istiod
     * re-store the object and reorder its oldest-wins choices. Set (not left empty) because istiod 1.9 to
     * 1.13 drop a resource without a creation time.
     */
    public static final Timestamp FIXED_CREATE_TIME = Timestamp.newBuilder().setSeconds(1_577_836_800L).build();

    private final IstioKind kind;
    private final String name;
    private final String version;
    private final Any packed;

    private McpResource(IstioKind kind, String name, String version, Any packed) {
        this.kind = kind;
        this.name = name;
        this.version = version;
        this.packed = packed;
    }

    /**
     * Packs a body into an MCP resource.
     *
     * @param name        {@code <istio-namespace>/<name>}
     * @param version     content version; istiod re-stores an object only when this changes
     * @param createTime  stable for the life of the object
     * @param body        the kind's message, already serialized
     */
    public static McpResource of(IstioKind kind, String name, String version, Timestamp createTime,
            Map<String, String> labels, Map<String, String> annotations, ByteString body) {
        Objects.requireNonNull(kind, "kind");
        Metadata.Builder metadata = Metadata.newBuilder().setName(name).setVersion(version)
                .setCreateTime(createTime);
        if (labels != null) {
            metadata.putAllLabels(labels);
        }
        if (annotations != null) {
            metadata.putAllAnnotations(annotations);
        }
        Resource resource = Resource.newBuilder().setMetadata(metadata)
                .setBody(Any.newBuilder().setTypeUrl(kind.bodyTypeUrl()).setValue(body)).build();
        Any packed = Any.newBuilder().setTypeUrl(RESOURCE_TYPE_URL).setValue(resource.toByteString()).build();
        return new McpResource(kind, name, version, packed);
    }

    public IstioKind kind() {
        return kind;
    }

    /** {@code <istio-namespace>/<name>}. */
    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    /** The serialized resource as it goes into {@code DiscoveryResponse.resources}. */
    public Any packed() {
        return packed;
    }

    public int serializedSize() {
        return packed.getSerializedSize();
    }

    @Override
    public String toString() {
        return kind.kindName() + " " + name + "@" + version;
    }
}
