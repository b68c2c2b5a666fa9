package io.nacosistio.plugin.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

class LayeredPublisherTest {

    private final ResourceCache cache = new ResourceCache();
    private final LayeredPublisher layers = new LayeredPublisher(cache);

    private static McpResource se(String name, String version) {
        return McpResource.of(IstioKind.SERVICE_ENTRY, name, version, Timestamp.getDefaultInstance(),
                Collections.<String, String>emptyMap(), Collections.<String, String>emptyMap(),
                ByteString.copyFromUtf8(version));
    }

    @Test
    void aSingleLayerIsServedAsItIs() {
        ResourceSet registry = ResourceSet.versioned(IstioKind.SERVICE_ENTRY, Arrays.asList(se("ns/a", "1")));
        layers.layer(LayeredPublisher.Layer.REGISTRY).publish(registry);

        assertThat(cache.current(IstioKind.SERVICE_ENTRY)).isSameAs(registry);
        assertThat(layers.shadowed()).isEmpty();
    }

    @Test
    void theConfigCenterReplacesTheRegistryResourceOfTheSameNameAndReportsIt() {
        layers.layer(LayeredPublisher.Layer.REGISTRY).publish(ResourceSet.versioned(IstioKind.SERVICE_ENTRY,
                Arrays.asList(se("ns/a", "registry"), se("ns/b", "registry"))));
        layers.layer(LayeredPublisher.Layer.CONFIG_CENTER).publish(ResourceSet.versioned(IstioKind.SERVICE_ENTRY,
                Arrays.asList(se("ns/b", "config"), se("ns/c", "config"))));

        ResourceSet served = cache.current(IstioKind.SERVICE_ENTRY);
        assertThat(served.resources()).extracting(r -> r.name() + "=" + r.version())
                .containsExactly("ns/a=registry", "ns/b=config", "ns/c=config");
        assertThat(layers.shadowed().get(IstioKind.SERVICE_ENTRY)).containsExactly("ns/b");

        layers.layer(LayeredPublisher.Layer.CONFIG_CENTER).publish(ResourceSet.empty(IstioKind.SERVICE_ENTRY));
        assertThat(cache.current(IstioKind.SERVICE_ENTRY).resources()).extracting(McpResource::version)
                .containsExactly("registry", "registry");
        assertThat(layers.shadowed()).isEmpty();
    }

    @Test
    void theMergedVersionChangesWhenEitherLayerChanges() {
        layers.layer(LayeredPublisher.Layer.REGISTRY).publish(ResourceSet.versioned(IstioKind.SERVICE_ENTRY,
                Arrays.asList(se("ns/a", "1"))));
        layers.layer(LayeredPublisher.Layer.CONFIG_CENTER).publish(ResourceSet.versioned(IstioKind.SERVICE_ENTRY,
                Arrays.asList(se("ns/c", "1"))));
        String v1 = cache.current(IstioKind.SERVICE_ENTRY).version();
        layers.layer(LayeredPublisher.Layer.REGISTRY).publish(ResourceSet.versioned(IstioKind.SERVICE_ENTRY,
                Arrays.asList(se("ns/a", "2"))));

        assertThat(cache.current(IstioKind.SERVICE_ENTRY).version()).isNotEqualTo(v1);
    }
}
