package io.nacosistio.proto;

import static io.nacosistio.proto.SameContent.assertSameContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.grpc.MethodDescriptor;
import io.nacosistio.proto.envoy.config.core.v3.ControlPlane;
import io.nacosistio.proto.envoy.config.core.v3.Locality;
import io.nacosistio.proto.envoy.config.core.v3.Metadata;
import io.nacosistio.proto.envoy.config.core.v3.Node;
import io.nacosistio.proto.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.nacosistio.proto.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryResponse;
import io.nacosistio.proto.envoy.service.discovery.v3.DynamicParameterConstraints;
import io.nacosistio.proto.envoy.service.discovery.v3.Resource;
import io.nacosistio.proto.envoy.service.discovery.v3.ResourceError;
import io.nacosistio.proto.envoy.service.discovery.v3.ResourceLocator;
import io.nacosistio.proto.envoy.service.discovery.v3.ResourceName;
import io.nacosistio.proto.google.rpc.Status;
import io.nacosistio.proto.istio.mcp.v1alpha1.Metadata.Builder;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import org.junit.jupiter.api.Test;

/** Our ADS messages and service against Envoy's own Java API classes. */
class EnvoyAdsWireCompatibilityTest {

  @Test
  void serviceAndMethodNamesAreEnvoys() {
    assertThat(AggregatedDiscoveryServiceGrpc.SERVICE_NAME)
        .isEqualTo("envoy.service.discovery.v3.AggregatedDiscoveryService")
        .isEqualTo(io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.SERVICE_NAME);

    MethodDescriptor<?, ?> sotw = AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod();
    MethodDescriptor<?, ?> envoySotw =
        io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod();
    assertThat(sotw.getFullMethodName())
        .isEqualTo("envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources")
        .isEqualTo(envoySotw.getFullMethodName());
    assertThat(sotw.getType()).isEqualTo(MethodDescriptor.MethodType.BIDI_STREAMING).isEqualTo(envoySotw.getType());

    MethodDescriptor<?, ?> delta = AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod();
    MethodDescriptor<?, ?> envoyDelta =
        io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod();
    assertThat(delta.getFullMethodName())
        .isEqualTo("envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources")
        .isEqualTo(envoyDelta.getFullMethodName());
    assertThat(delta.getType()).isEqualTo(envoyDelta.getType());
  }

  @Test
  void messageFullNamesAreEnvoys() {
    assertThat(DiscoveryRequest.getDescriptor().getFullName())
        .isEqualTo(io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.getDescriptor().getFullName());
    assertThat(DiscoveryResponse.getDescriptor().getFullName())
        .isEqualTo(io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse.getDescriptor().getFullName());
    assertThat(DeltaDiscoveryRequest.getDescriptor().getFullName())
        .isEqualTo(io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest.getDescriptor().getFullName());
    assertThat(DeltaDiscoveryResponse.getDescriptor().getFullName())
        .isEqualTo(io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse.getDescriptor().getFullName());
    assertThat(Resource.getDescriptor().getFullName())
        .isEqualTo(io.envoyproxy.envoy.service.discovery.v3.Resource.getDescriptor().getFullName());
    assertThat(Node.getDescriptor().getFullName())
        .isEqualTo(io.envoyproxy.envoy.config.core.v3.Node.getDescriptor().getFullName());
    assertThat(Status.getDescriptor().getFullName()).isEqualTo(com.google.rpc.Status.getDescriptor().getFullName());
  }

  @Test
  void envoyDiscoveryRequestDecodesWithOurClasses() throws Exception {
    var envoy = EnvoyFixtures.discoveryRequest(EnvoyFixtures.nodeWithInterleavedFields());

    DiscoveryRequest ours = DiscoveryRequest.parseFrom(envoy.toByteArray());

    assertThat(ours.getVersionInfo()).isEqualTo("2024-05-01T10:00:00Z/17");
    assertThat(ours.getResourceNamesList()).containsExactly("shop/reviews", "shop/ratings");
    assertThat(ours.getResourceLocatorsList()).containsExactly(
        ResourceLocator.newBuilder().setName("shop/details").putDynamicParameters("zone", "h").build());
    assertThat(ours.getTypeUrl()).isEqualTo("networking.istio.io/v1/ServiceEntry");
    assertThat(ours.getResponseNonce()).isEqualTo("2024-05-01 10:00:00.123456789 +0000 UTC m=+12.3");
    assertThat(ours.getErrorDetail().getCode()).isEqualTo(3);
    assertThat(ours.getErrorDetail().getMessage()).isEqualTo("invalid ServiceEntry shop/reviews");
    assertThat(ours.getErrorDetail().getDetailsList()).containsExactlyElementsOf(EnvoyFixtures.nack().getDetailsList());

    Node node = ours.getNode();
    assertThat(node.getId()).isEqualTo("sidecar~10.1.2.3~istiod-7d9f.istio-system~istio-system.svc.cluster.local");
    assertThat(node.getCluster()).isEqualTo("istiod");
    assertThat(node.getMetadata()).isEqualTo(EnvoyFixtures.istiodNodeMetadata());
    assertThat(node.getMetadata().getFieldsOrThrow("GENERATOR").getStringValue()).isEqualTo("api");
    assertThat(node.getLocality()).isEqualTo(
        Locality.newBuilder().setRegion("cn-hangzhou").setZone("cn-hangzhou-h").setSubZone("rack-9").build());
    assertThat(node.getUserAgentName()).isEqualTo("envoy");
    assertThat(node.getUserAgentVersion()).isEqualTo("1.33.2");
    assertThat(node.getClientFeaturesList())
        .containsExactly("envoy.lb.does_not_support_overprovisioning", "xds.config.resource-in-sotw");
    // extensions (9), listening_addresses (11), dynamic_parameters (12) are not declared here.
    assertThat(node.getUnknownFields().asMap()).containsOnlyKeys(9, 11, 12);

    assertSameContent(ours, envoy);
  }

  @Test
  void ourDiscoveryRequestDecodesWithEnvoysClasses() throws Exception {
    DiscoveryRequest ours = DiscoveryRequest.newBuilder()
        .setVersionInfo("v1")
        .setNode(ourNode())
        .addResourceNames("a/b")
        .addResourceLocators(ResourceLocator.newBuilder().setName("a/c").putDynamicParameters("k", "v"))
        .setTypeUrl("security.istio.io/v1/AuthorizationPolicy")
        .setResponseNonce("n1")
        .setErrorDetail(ourNack())
        .build();

    var envoy = io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.parseFrom(ours.toByteArray());

    assertThat(envoy.getVersionInfo()).isEqualTo("v1");
    assertThat(envoy.getNode().getId()).isEqualTo("nacos~10.0.0.1");
    assertThat(envoy.getNode().getCluster()).isEqualTo("nacos");
    assertThat(envoy.getNode().getMetadata()).isEqualTo(ourNode().getMetadata());
    assertThat(envoy.getNode().getLocality().getSubZone()).isEqualTo("s");
    assertThat(envoy.getNode().getUserAgentName()).isEqualTo("nacos-istio-plugin");
    assertThat(envoy.getNode().getUserAgentVersion()).isEqualTo("0.1.0");
    assertThat(envoy.getNode().getClientFeaturesList()).containsExactly("f1");
    assertThat(envoy.getResourceNamesList()).containsExactly("a/b");
    assertThat(envoy.getResourceLocators(0).getDynamicParametersMap()).containsExactly(entry("k", "v"));
    assertThat(envoy.getTypeUrl()).isEqualTo("security.istio.io/v1/AuthorizationPolicy");
    assertThat(envoy.getResponseNonce()).isEqualTo("n1");
    assertThat(envoy.getErrorDetail().getCode()).isEqualTo(13);
    assertThat(envoy.getErrorDetail().getMessage()).isEqualTo("boom");
    assertThat(envoy.getErrorDetail().getDetails(0).unpack(Duration.class)).isEqualTo(Duration.newBuilder().setSeconds(2).build());
    assertThat(envoy.getUnknownFields().asMap()).isEmpty();
    assertThat(envoy.getNode().getUnknownFields().asMap()).isEmpty();

    assertSameContent(ours, envoy);
  }

  @Test
  void undeclaredNodeFieldsSurviveOurClassesByteForByte() throws Exception {
    byte[] envoyBytes = EnvoyFixtures.discoveryRequest(EnvoyFixtures.nodeWithUndeclaredFieldsLast()).toByteArray();

    DiscoveryRequest ours = DiscoveryRequest.parseFrom(envoyBytes);
    assertThat(ours.getNode().getUnknownFields().asMap()).containsOnlyKeys(8, 9, 11, 12);

    assertThat(ours.toByteArray()).isEqualTo(envoyBytes);
    // Rebuilding the message (as a server does when it copies a Node) keeps them too.
    assertThat(ours.toBuilder().setNode(ours.getNode().toBuilder().build()).build().toByteArray()).isEqualTo(envoyBytes);
  }

  @Test
  void undeclaredNodeFieldsSurviveOurClassesWhenInterleaved() throws Exception {
    var envoy = EnvoyFixtures.discoveryRequest(EnvoyFixtures.nodeWithInterleavedFields());
    byte[] envoyBytes = envoy.toByteArray();

    byte[] rewritten = DiscoveryRequest.parseFrom(envoyBytes).toByteArray();

    // protobuf writes unknown fields after the declared ones, so client_features (10) now precedes
    // extensions (9): the same fields and values in another order, which every reader accepts.
    assertThat(rewritten).hasSameSizeAs(envoyBytes);
    var reparsed = io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.parseFrom(rewritten);
    assertThat(reparsed).isEqualTo(envoy);
    assertThat(reparsed.getNode().getExtensions(0).getName()).isEqualTo("envoy.filters.http.router");
    assertThat(reparsed.getNode().getListeningAddresses(0).getSocketAddress().getPortValue()).isEqualTo(15001);
    assertThat(reparsed.getNode().getDynamicParametersMap()).containsKey("envoy.config.cluster.v3.Cluster");
    assertThat(reparsed.getUnknownFields().asMap()).isEmpty();
  }

  @Test
  void discoveryResponseBothWays() throws Exception {
    Any mcpResource = Any.pack(mcpResource());
    var envoy = EnvoyFixtures.discoveryResponse(mcpResource);

    DiscoveryResponse ours = DiscoveryResponse.parseFrom(envoy.toByteArray());
    assertThat(ours.getVersionInfo()).isEqualTo("17");
    assertThat(ours.getResourcesList()).hasSize(2);
    assertThat(ours.getResources(0).getTypeUrl()).isEqualTo("type.googleapis.com/istio.mcp.v1alpha1.Resource");
    assertThat(ours.getResources(0).unpack(io.nacosistio.proto.istio.mcp.v1alpha1.Resource.class)).isEqualTo(mcpResource());
    assertThat(ours.getCanary()).isTrue();
    assertThat(ours.getTypeUrl()).isEqualTo("networking.istio.io/v1/ServiceEntry");
    assertThat(ours.getNonce()).isEqualTo("n-17-3");
    assertThat(ours.getControlPlane().getIdentifier()).isEqualTo("nacos-istio-plugin@10.0.0.1");
    assertThat(ours.getResourceErrors(0).getResourceName().getName()).isEqualTo("shop/broken");
    assertThat(ours.getResourceErrors(0).getErrorDetail().getCode()).isEqualTo(3);
    assertSameContent(ours, envoy);
    assertThat(ours.toByteArray()).isEqualTo(envoy.toByteArray());

    DiscoveryResponse built = DiscoveryResponse.newBuilder()
        .setVersionInfo("17")
        .addResources(mcpResource)
        .addResources(envoy.getResources(1))
        .setCanary(true)
        .setTypeUrl(EnvoyFixtures.SERVICE_ENTRY_GVK)
        .setNonce("n-17-3")
        .setControlPlane(ControlPlane.newBuilder().setIdentifier("nacos-istio-plugin@10.0.0.1"))
        .addResourceErrors(ResourceError.newBuilder()
            .setResourceName(ResourceName.newBuilder().setName("shop/broken"))
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage("invalid ServiceEntry shop/reviews")
                .addAllDetails(EnvoyFixtures.nack().getDetailsList())))
        .build();
    var decoded = io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse.parseFrom(built.toByteArray());
    assertThat(decoded).isEqualTo(envoy);
    assertSameContent(built, decoded);
  }

  @Test
  void deltaRequestBothWays() throws Exception {
    var envoy = EnvoyFixtures.deltaRequest(EnvoyFixtures.nodeWithUndeclaredFieldsLast());

    DeltaDiscoveryRequest ours = DeltaDiscoveryRequest.parseFrom(envoy.toByteArray());
    assertThat(ours.getNode().getId()).startsWith("sidecar~10.1.2.3~");
    assertThat(ours.getTypeUrl()).isEqualTo(EnvoyFixtures.SERVICE_ENTRY_GVK);
    assertThat(ours.getResourceNamesSubscribeList()).containsExactly("shop/reviews", "*");
    assertThat(ours.getResourceNamesUnsubscribeList()).containsExactly("shop/old");
    assertThat(ours.getResourceLocatorsSubscribe(0).getDynamicParametersMap()).containsExactly(entry("a", "b"));
    assertThat(ours.getResourceLocatorsUnsubscribe(0).getName()).isEqualTo("shop/gone");
    assertThat(ours.getInitialResourceVersionsMap())
        .containsExactly(entry("shop/reviews", "v3"), entry("shop/ratings", "v1"));
    assertThat(ours.getResponseNonce()).isEqualTo("d-9");
    assertThat(ours.getErrorDetail().getMessage()).isEqualTo("invalid ServiceEntry shop/reviews");
    assertSameContent(ours, envoy);
    assertThat(ours.toByteArray()).isEqualTo(envoy.toByteArray());

    DeltaDiscoveryRequest built = DeltaDiscoveryRequest.newBuilder()
        .setNode(ourNode())
        .setTypeUrl("extensions.istio.io/v1alpha1/WasmPlugin")
        .addResourceNamesSubscribe("x/y")
        .addResourceNamesUnsubscribe("x/z")
        .addResourceLocatorsSubscribe(ResourceLocator.newBuilder().setName("x/l"))
        .addResourceLocatorsUnsubscribe(ResourceLocator.newBuilder().setName("x/m").putDynamicParameters("p", "q"))
        .putInitialResourceVersions("x/y", "7")
        .setResponseNonce("r")
        .setErrorDetail(ourNack())
        .build();
    var decoded = io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest.parseFrom(built.toByteArray());
    assertThat(decoded.getNode().getUserAgentVersion()).isEqualTo("0.1.0");
    assertThat(decoded.getResourceLocatorsUnsubscribe(0).getDynamicParametersMap()).containsExactly(entry("p", "q"));
    assertThat(decoded.getInitialResourceVersionsMap()).containsExactly(entry("x/y", "7"));
    assertThat(decoded.getErrorDetail().getCode()).isEqualTo(13);
    assertThat(decoded.getUnknownFields().asMap()).isEmpty();
    assertSameContent(built, decoded);
  }

  @Test
  void deltaResponseBothWays() throws Exception {
    Any mcpResource = Any.pack(mcpResource());
    var envoy = EnvoyFixtures.deltaResponse(mcpResource);

    DeltaDiscoveryResponse ours = DeltaDiscoveryResponse.parseFrom(envoy.toByteArray());
    assertThat(ours.getSystemVersionInfo()).isEqualTo("sys-5");
    Resource first = ours.getResources(0);
    assertThat(first.getName()).isEqualTo("shop/reviews");
    assertThat(first.getAliasesList()).containsExactly("reviews");
    assertThat(first.getVersion()).isEqualTo("v4");
    assertThat(first.getResource()).isEqualTo(mcpResource);
    assertThat(first.getTtl()).isEqualTo(Duration.newBuilder().setSeconds(30).setNanos(5).build());
    assertThat(first.getCacheControl().getDoNotCache()).isTrue();
    assertThat(first.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("x").getBoolValue()).isTrue();
    assertThat(first.getMetadata().getTypedFilterMetadataOrThrow("typed").unpack(Locality.class).getRegion())
        .isEqualTo("cn-hangzhou");
    DynamicParameterConstraints and = first.getResourceName().getDynamicParameterConstraints();
    assertThat(and.getTypeCase()).isEqualTo(DynamicParameterConstraints.TypeCase.AND_CONSTRAINTS);
    assertThat(and.getAndConstraints().getConstraints(0).getConstraint().getValue()).isEqualTo("h");
    assertThat(and.getAndConstraints().getConstraints(1).getNotConstraints().getConstraint().hasExists()).isTrue();
    assertThat(ours.getResources(1).getResourceName().getDynamicParameterConstraints().getTypeCase())
        .isEqualTo(DynamicParameterConstraints.TypeCase.OR_CONSTRAINTS);
    assertThat(ours.getTypeUrl()).isEqualTo(EnvoyFixtures.SERVICE_ENTRY_GVK);
    assertThat(ours.getRemovedResourcesList()).containsExactly("shop/old");
    assertThat(ours.getRemovedResourceNames(0).getName()).isEqualTo("shop/older");
    assertThat(ours.getNonce()).isEqualTo("d-10");
    assertThat(ours.getControlPlane().getIdentifier()).isEqualTo("nacos-istio-plugin@10.0.0.1");
    assertThat(ours.getResourceErrors(0).getErrorDetail().getCode()).isEqualTo(3);
    assertSameContent(ours, envoy);
    assertThat(ours.toByteArray()).isEqualTo(envoy.toByteArray());

    DeltaDiscoveryResponse built = DeltaDiscoveryResponse.newBuilder()
        .setSystemVersionInfo("s")
        .addResources(Resource.newBuilder()
            .setName("a/b")
            .setResourceName(ResourceName.newBuilder().setName("a/b").setDynamicParameterConstraints(
                DynamicParameterConstraints.newBuilder().setConstraint(
                    DynamicParameterConstraints.SingleConstraint.newBuilder().setKey("k").setValue("v"))))
            .addAliases("b")
            .setVersion("3")
            .setResource(mcpResource)
            .setTtl(Duration.newBuilder().setSeconds(1))
            .setCacheControl(Resource.CacheControl.newBuilder().setDoNotCache(true))
            .setMetadata(Metadata.newBuilder().putFilterMetadata("f", Struct.getDefaultInstance())))
        .setTypeUrl(EnvoyFixtures.SERVICE_ENTRY_GVK)
        .addRemovedResources("a/c")
        .addRemovedResourceNames(ResourceName.newBuilder().setName("a/d"))
        .setNonce("n")
        .setControlPlane(ControlPlane.newBuilder().setIdentifier("id"))
        .addResourceErrors(ResourceError.newBuilder().setErrorDetail(ourNack()))
        .build();
    var decoded = io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse.parseFrom(built.toByteArray());
    assertThat(decoded.getResources(0).getResourceName().getDynamicParameterConstraints().getConstraint().getKey())
        .isEqualTo("k");
    assertThat(decoded.getResources(0).getMetadata().getFilterMetadataMap()).containsOnlyKeys("f");
    assertThat(decoded.getResources(0).getTtl().getSeconds()).isEqualTo(1);
    assertThat(decoded.getRemovedResourceNames(0).getName()).isEqualTo("a/d");
    assertSameContent(built, decoded);
  }

  private static Node ourNode() {
    return Node.newBuilder()
        .setId("nacos~10.0.0.1")
        .setCluster("nacos")
        .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("api").build()))
        .setLocality(Locality.newBuilder().setRegion("r").setZone("z").setSubZone("s"))
        .setUserAgentName("nacos-istio-plugin")
        .setUserAgentVersion("0.1.0")
        .addClientFeatures("f1")
        .build();
  }

  private static Status ourNack() {
    return Status.newBuilder().setCode(13).setMessage("boom")
        .addDetails(Any.pack(Duration.newBuilder().setSeconds(2).build()))
        .build();
  }

  private static io.nacosistio.proto.istio.mcp.v1alpha1.Resource mcpResource() {
    Builder metadata = io.nacosistio.proto.istio.mcp.v1alpha1.Metadata.newBuilder()
        .setName("shop/reviews")
        .setCreateTime(Timestamp.newBuilder().setSeconds(1_700_000_000L))
        .setVersion("17")
        .putLabels("app", "reviews");
    return io.nacosistio.proto.istio.mcp.v1alpha1.Resource.newBuilder()
        .setMetadata(metadata)
        .setBody(Any.pack(ServiceEntry.newBuilder().addHosts("reviews.shop.nacos").build()))
        .build();
  }
}
