package io.nacosistio.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
import io.nacosistio.proto.istio.analysis.v1alpha1.AnalysisMessageProto;
import io.nacosistio.proto.istio.extensions.v1alpha1.LuaConfig;
import io.nacosistio.proto.istio.extensions.v1alpha1.TrafficExtension;
import io.nacosistio.proto.istio.extensions.v1alpha1.TrafficExtensionProto;
import io.nacosistio.proto.istio.extensions.v1alpha1.WasmPlugin;
import io.nacosistio.proto.istio.extensions.v1alpha1.WasmPluginProto;
import io.nacosistio.proto.istio.mcp.v1alpha1.McpMetadataProto;
import io.nacosistio.proto.istio.mcp.v1alpha1.McpResourceProto;
import io.nacosistio.proto.istio.meta.v1alpha1.StatusProto;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRuleProto;
import io.nacosistio.proto.istio.networking.v1alpha3.EnvoyFilter;
import io.nacosistio.proto.istio.networking.v1alpha3.EnvoyFilterProto;
import io.nacosistio.proto.istio.networking.v1alpha3.Gateway;
import io.nacosistio.proto.istio.networking.v1alpha3.GatewayProto;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntryProto;
import io.nacosistio.proto.istio.networking.v1alpha3.Sidecar;
import io.nacosistio.proto.istio.networking.v1alpha3.SidecarProto;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualServiceProto;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntryProto;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadGroup;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadGroupProto;
import io.nacosistio.proto.istio.networking.v1beta1.ProxyConfig;
import io.nacosistio.proto.istio.networking.v1beta1.ProxyConfigProto;
import io.nacosistio.proto.istio.security.v1beta1.AuthorizationPolicy;
import io.nacosistio.proto.istio.security.v1beta1.AuthorizationPolicyProto;
import io.nacosistio.proto.istio.security.v1beta1.JWTRule;
import io.nacosistio.proto.istio.security.v1beta1.PeerAuthentication;
import io.nacosistio.proto.istio.security.v1beta1.PeerAuthenticationProto;
import io.nacosistio.proto.istio.security.v1beta1.RequestAuthentication;
import io.nacosistio.proto.istio.security.v1beta1.RequestAuthenticationProto;
import io.nacosistio.proto.istio.telemetry.v1alpha1.Telemetry;
import io.nacosistio.proto.istio.telemetry.v1alpha1.TelemetryProto;
import io.nacosistio.proto.istio.type.v1beta1.PolicyTargetReference;
import io.nacosistio.proto.istio.type.v1beta1.SelectorProto;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Our Istio protos against istio/api itself: every message, field, number, type, oneof and enum value,
 * from the facts table printed from the upstream sources. This is the check for the kinds no other
 * Java implementation is at hand for (security, telemetry, extensions, ProxyConfig).
 */
class IstioApiDescriptorFactsTest {

  private static final FileDescriptor[] ISTIO_FILES = {
      McpMetadataProto.getDescriptor(), McpResourceProto.getDescriptor(),
      AnalysisMessageProto.getDescriptor(), StatusProto.getDescriptor(), SelectorProto.getDescriptor(),
      VirtualServiceProto.getDescriptor(), DestinationRuleProto.getDescriptor(), GatewayProto.getDescriptor(),
      SidecarProto.getDescriptor(), EnvoyFilterProto.getDescriptor(), WorkloadGroupProto.getDescriptor(),
      ServiceEntryProto.getDescriptor(), WorkloadEntryProto.getDescriptor(), ProxyConfigProto.getDescriptor(),
      AuthorizationPolicyProto.getDescriptor(), PeerAuthenticationProto.getDescriptor(),
      RequestAuthenticationProto.getDescriptor(), TelemetryProto.getDescriptor(), WasmPluginProto.getDescriptor(),
      TrafficExtensionProto.getDescriptor()};

  @Test
  void everyIstioProtoHasIstioApisWireFacts() throws Exception {
    List<String> ours = new ArrayList<>();
    for (FileDescriptor file : ISTIO_FILES) {
      ours.addAll(DescriptorFacts.of(file, file.getName()));
    }

    assertThat(ours).containsExactlyInAnyOrderElementsOf(upstreamFacts());
  }

  @Test
  void noIstioProtoEscapesTheCheck() throws Exception {
    Set<String> checked = new TreeSet<>();
    for (FileDescriptor file : ISTIO_FILES) {
      checked.add(file.getName());
    }
    Set<String> reachable = new TreeSet<>();
    Deque<FileDescriptor> queue = new ArrayDeque<>(List.of(ISTIO_FILES));
    while (!queue.isEmpty()) {
      FileDescriptor file = queue.pop();
      if (file.getName().startsWith("istio/") && reachable.add(file.getName())) {
        queue.addAll(file.getDependencies());
      }
    }
    Set<String> inTable = upstreamFacts().stream()
        .filter(line -> line.contains(" in "))
        .map(line -> line.substring(line.indexOf(" in ") + 4))
        .collect(Collectors.toCollection(TreeSet::new));

    assertThat(reachable).isEqualTo(checked);
    assertThat(inTable).isEqualTo(checked);
  }

  @Test
  void everyKindIstiodSubscribesToHasItsBodyTypeUrl() {
    // The Any type URL of Resource.body, by kind; istiod resolves the body proto from it.
    Map<Message, String> bodies = new LinkedHashMap<>();
    bodies.put(AuthorizationPolicy.getDefaultInstance(), "istio.security.v1beta1.AuthorizationPolicy");
    bodies.put(DestinationRule.getDefaultInstance(), "istio.networking.v1alpha3.DestinationRule");
    bodies.put(EnvoyFilter.getDefaultInstance(), "istio.networking.v1alpha3.EnvoyFilter");
    bodies.put(Gateway.getDefaultInstance(), "istio.networking.v1alpha3.Gateway");
    bodies.put(PeerAuthentication.getDefaultInstance(), "istio.security.v1beta1.PeerAuthentication");
    bodies.put(ProxyConfig.getDefaultInstance(), "istio.networking.v1beta1.ProxyConfig");
    bodies.put(RequestAuthentication.getDefaultInstance(), "istio.security.v1beta1.RequestAuthentication");
    bodies.put(ServiceEntry.getDefaultInstance(), "istio.networking.v1alpha3.ServiceEntry");
    bodies.put(Sidecar.getDefaultInstance(), "istio.networking.v1alpha3.Sidecar");
    bodies.put(Telemetry.getDefaultInstance(), "istio.telemetry.v1alpha1.Telemetry");
    bodies.put(VirtualService.getDefaultInstance(), "istio.networking.v1alpha3.VirtualService");
    bodies.put(WasmPlugin.getDefaultInstance(), "istio.extensions.v1alpha1.WasmPlugin");
    bodies.put(WorkloadEntry.getDefaultInstance(), "istio.networking.v1alpha3.WorkloadEntry");
    bodies.put(WorkloadGroup.getDefaultInstance(), "istio.networking.v1alpha3.WorkloadGroup");
    bodies.put(TrafficExtension.getDefaultInstance(), "istio.extensions.v1alpha1.TrafficExtension");

    assertThat(bodies).hasSize(15);
    bodies.forEach((body, fullName) ->
        assertThat(Any.pack(body).getTypeUrl()).isEqualTo("type.googleapis.com/" + fullName));
  }

  @Test
  void handEncodedBytesOfKindsWithoutAReferenceImplementation() {
    // Tag byte = field number << 3 | wire type (0 varint, 2 length-delimited), from istio/api's numbers.
    assertThat(PeerAuthentication.newBuilder()
        .setMtls(PeerAuthentication.MutualTLS.newBuilder().setMode(PeerAuthentication.MutualTLS.Mode.STRICT))
        .build().toByteArray())
        .containsExactly(0x12, 0x02, 0x08, 0x03);
    assertThat(AuthorizationPolicy.newBuilder()
        .setAction(AuthorizationPolicy.Action.DENY)
        .addTargetRefs(PolicyTargetReference.newBuilder().setKind("Gateway"))
        .build().toByteArray())
        .containsExactly(0x18, 0x01, 0x32, 0x09, 0x12, 0x07, 'G', 'a', 't', 'e', 'w', 'a', 'y');
    assertThat(RequestAuthentication.newBuilder()
        .addJwtRules(JWTRule.newBuilder().setIssuer("a").setJwks("k"))
        .build().toByteArray())
        .containsExactly(0x12, 0x06, 0x0a, 0x01, 'a', 0x52, 0x01, 'k');
    assertThat(ProxyConfig.newBuilder().setConcurrency(Int32Value.of(2)).build().toByteArray())
        .containsExactly(0x12, 0x02, 0x08, 0x02);
    assertThat(WasmPlugin.newBuilder().setUrl("u").setPriority(Int32Value.of(1)).build().toByteArray())
        .containsExactly(0x12, 0x01, 'u', 0x52, 0x02, 0x08, 0x01);
    assertThat(TrafficExtension.newBuilder().setLua(LuaConfig.newBuilder().setInlineCode("x")).build().toByteArray())
        .containsExactly(0x3a, 0x03, 0x0a, 0x01, 'x');
    assertThat(Telemetry.newBuilder()
        .addTargetRefs(PolicyTargetReference.newBuilder().setName("n"))
        .build().toByteArray())
        .containsExactly(0x32, 0x03, 0x1a, 0x01, 'n');
  }

  private static List<String> upstreamFacts() throws Exception {
    List<String> facts = new ArrayList<>();
    try (InputStream in = IstioApiDescriptorFactsTest.class.getResourceAsStream("istio-api-facts.txt");
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          facts.add(line);
        }
      }
    }
    assertThat(facts).hasSizeGreaterThan(900);
    return facts;
  }
}
