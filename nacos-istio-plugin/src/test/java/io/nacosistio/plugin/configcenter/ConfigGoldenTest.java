package io.nacosistio.plugin.configcenter;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.document.SpecTypes;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import istio.mcp.v1alpha1.ResourceOuterClass;
import istio.networking.v1alpha3.DestinationRuleOuterClass;
import istio.networking.v1alpha3.EnvoyFilterOuterClass;
import istio.networking.v1alpha3.GatewayOuterClass;
import istio.networking.v1alpha3.ServiceEntryOuterClass;
import istio.networking.v1alpha3.SidecarOuterClass;
import istio.networking.v1alpha3.VirtualServiceOuterClass;
import istio.networking.v1alpha3.WorkloadEntryOuterClass;
import istio.networking.v1alpha3.WorkloadGroupOuterClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Realistic documents of every kind → the bytes the plugin serves → decoded again. Networking kinds are
 * decoded with the Istio classes of Nacos's built-in module (an independent implementation of the same
 * protos), which must see every field (no unknown fields); the other kinds with the project's own
 * classes. The decoded JSON is compared with the committed golden file; {@code -Dgolden.update=true}
 * rewrites the golden files for review.
 */
class ConfigGoldenTest {

    private static final Path DIR = Paths.get("src/test/resources/config-golden");
    private static final Map<IstioKind, Parser<? extends Message>> INDEPENDENT = new EnumMap<>(IstioKind.class);

    static {
        INDEPENDENT.put(IstioKind.VIRTUAL_SERVICE, VirtualServiceOuterClass.VirtualService.parser());
        INDEPENDENT.put(IstioKind.DESTINATION_RULE, DestinationRuleOuterClass.DestinationRule.parser());
        INDEPENDENT.put(IstioKind.GATEWAY, GatewayOuterClass.Gateway.parser());
        INDEPENDENT.put(IstioKind.SERVICE_ENTRY, ServiceEntryOuterClass.ServiceEntry.parser());
        INDEPENDENT.put(IstioKind.SIDECAR, SidecarOuterClass.Sidecar.parser());
        INDEPENDENT.put(IstioKind.WORKLOAD_ENTRY, WorkloadEntryOuterClass.WorkloadEntry.parser());
        INDEPENDENT.put(IstioKind.WORKLOAD_GROUP, WorkloadGroupOuterClass.WorkloadGroup.parser());
        INDEPENDENT.put(IstioKind.ENVOY_FILTER, EnvoyFilterOuterClass.EnvoyFilter.parser());
    }

    static Stream<String> documents() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
                    .toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("documents")
    void servedBytesDecodeToTheGoldenJson(String file) throws Exception {
        String yaml = Files.readString(DIR.resolve(file));
        ConfigKey key = new ConfigKey("public", "istio", file);
        ConfigCenterIndex index = new ConfigCenterIndex(new ConfigDocuments(512 * 1024), ns -> ns, () -> 1_700_000_000_000L);
        index.apply(key, Optional.of(new ConfigItem(key, yaml, Collections.<String>emptySet(), 1_690_000_000_000L)));

        assertThat(index.refused(key)).as("refused documents").isEmpty();
        List<ServedDocument> served = index.served(key);
        assertThat(served).isNotEmpty();
        StringBuilder actual = new StringBuilder();
        for (ServedDocument doc : served) {
            actual.append(render(doc.resource())).append('\n');
        }

        Path golden = DIR.resolve(file.replace(".yaml", ".golden.json"));
        if (Boolean.getBoolean("golden.update") || !Files.exists(golden)) {
            Files.writeString(golden, actual.toString());
        }
        assertThat(actual.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    private static String render(McpResource served) throws Exception {
        // The MCP envelope, decoded by Nacos's classes too.
        ResourceOuterClass.Resource envelope = ResourceOuterClass.Resource.parseFrom(served.packed().getValue());
        assertThat(envelope.getBody().getTypeUrl()).isEqualTo(served.kind().bodyTypeUrl());
        Resource ours = Resource.parseFrom(served.packed().getValue());
        assertThat(envelope.getMetadata().getName()).isEqualTo(ours.getMetadata().getName());
        Parser<? extends Message> independent = INDEPENDENT.get(served.kind());
        Message body;
        String decoder;
        if (independent != null) {
            body = independent.parseFrom(envelope.getBody().getValue());
            assertThat(unknownFields(body)).as("fields the independent decoder does not know").isEmpty();
            decoder = "nacos-istio";
        } else {
            body = SpecTypes.descriptors().stream()
                    .filter(d -> d.getFullName().equals(served.kind().bodyMessage())).findFirst()
                    .map(d -> {
                        try {
                            return com.google.protobuf.DynamicMessage.parseFrom(d, envelope.getBody().getValue());
                        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                            throw new AssertionError(e);
                        }
                    }).orElseThrow();
            decoder = "own";
        }
        return "# " + served.kind().kindName() + " " + envelope.getMetadata().getName() + " (decoded by " + decoder
                + ")\n# labels " + new java.util.TreeMap<>(envelope.getMetadata().getLabelsMap()) + " annotations "
                + new java.util.TreeMap<>(envelope.getMetadata().getAnnotationsMap()) + " created "
                + envelope.getMetadata().getCreateTime().getSeconds() + "\n"
                + JsonFormat.printer().print(body);
    }

    private static List<String> unknownFields(Message message) {
        List<String> found = new java.util.ArrayList<>();
        collectUnknown(message, message.getDescriptorForType().getName(), found);
        return found;
    }

    private static void collectUnknown(Message message, String path, List<String> found) {
        UnknownFieldSet unknown = message.getUnknownFields();
        if (!unknown.asMap().isEmpty()) {
            found.add(path + " " + unknown.asMap().keySet());
        }
        for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            if (e.getKey().getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (e.getKey().isRepeated()) {
                for (Object item : (List<?>) e.getValue()) {
                    collectUnknown((Message) item, path + "." + e.getKey().getName(), found);
                }
            } else {
                collectUnknown((Message) e.getValue(), path + "." + e.getKey().getName(), found);
            }
        }
    }
}
