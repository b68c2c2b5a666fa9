package io.nacosistio.proto;

import com.github.xds.core.v3.ContextParams;
import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BuildVersion;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.config.core.v3.Extension;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DynamicParameterConstraints;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.envoyproxy.envoy.service.discovery.v3.ResourceError;
import io.envoyproxy.envoy.service.discovery.v3.ResourceLocator;
import io.envoyproxy.envoy.service.discovery.v3.ResourceName;
import io.envoyproxy.envoy.type.v3.SemanticVersion;

/** Rich xDS messages built with Envoy's own Java classes, shaped like what istiod's ADS client sends. */
final class EnvoyFixtures {

  static final String SERVICE_ENTRY_GVK = "networking.istio.io/v1/ServiceEntry";

  private EnvoyFixtures() {
  }

  static Struct istiodNodeMetadata() {
    return Struct.newBuilder()
        .putFields("GENERATOR", Value.newBuilder().setStringValue("api").build())
        .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue("65536.65536.65536").build())
        .putFields("ISTIO_REVISION", Value.newBuilder().setStringValue("canary").build())
        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("app", Value.newBuilder().setStringValue("istiod").build())).build())
        .putFields("PORTS", Value.newBuilder().setListValue(ListValue.newBuilder()
            .addValues(Value.newBuilder().setNumberValue(15010))
            .addValues(Value.newBuilder().setBoolValue(true))).build())
        .build();
  }

  static Locality locality() {
    return Locality.newBuilder().setRegion("cn-hangzhou").setZone("cn-hangzhou-h").setSubZone("rack-9").build();
  }

  /**
   * A Node whose fields this project does not declare (user_agent_build_version, extensions,
   * listening_addresses, dynamic_parameters) all have numbers above every declared field it sets, so
   * re-serializing it through a reader that keeps them as unknown fields yields the same bytes.
   */
  static Node nodeWithUndeclaredFieldsLast() {
    return Node.newBuilder()
        .setId("sidecar~10.1.2.3~istiod-7d9f.istio-system~istio-system.svc.cluster.local")
        .setCluster("istiod")
        .setMetadata(istiodNodeMetadata())
        .setLocality(locality())
        .setUserAgentName("envoy")
        .setUserAgentBuildVersion(BuildVersion.newBuilder()
            .setVersion(SemanticVersion.newBuilder().setMajorNumber(1).setMinorNumber(33).setPatch(2))
            .setMetadata(Struct.newBuilder().putFields("build.type", Value.newBuilder().setStringValue("RELEASE").build())))
        .addExtensions(Extension.newBuilder()
            .setName("envoy.filters.http.router")
            .setCategory("envoy.filters.http")
            .setDisabled(true)
            .addTypeUrls("type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"))
        .addListeningAddresses(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress("10.1.2.3").setPortValue(15001)))
        .putDynamicParameters("envoy.config.cluster.v3.Cluster", ContextParams.newBuilder().putParams("zone", "h").build())
        .build();
  }

  /** A Node mixing declared and undeclared fields in number order (client_features, 10, after extensions, 9). */
  static Node nodeWithInterleavedFields() {
    return nodeWithUndeclaredFieldsLast().toBuilder()
        .setUserAgentVersion("1.33.2")
        .addClientFeatures("envoy.lb.does_not_support_overprovisioning")
        .addClientFeatures("xds.config.resource-in-sotw")
        .build();
  }

  static Status nack() {
    return Status.newBuilder()
        .setCode(3)
        .setMessage("invalid ServiceEntry shop/reviews")
        .addDetails(Any.pack(Struct.newBuilder()
            .putFields("resource", Value.newBuilder().setStringValue("shop/reviews").build()).build()))
        .build();
  }

  static DiscoveryRequest discoveryRequest(Node node) {
    return DiscoveryRequest.newBuilder()
        .setVersionInfo("2024-05-01T10:00:00Z/17")
        .setNode(node)
        .addResourceNames("shop/reviews")
        .addResourceNames("shop/ratings")
        .addResourceLocators(ResourceLocator.newBuilder().setName("shop/details").putDynamicParameters("zone", "h"))
        .setTypeUrl(SERVICE_ENTRY_GVK)
        .setResponseNonce("2024-05-01 10:00:00.123456789 +0000 UTC m=+12.3")
        .setErrorDetail(nack())
        .build();
  }

  static ControlPlane controlPlane() {
    return ControlPlane.newBuilder().setIdentifier("nacos-istio-plugin@10.0.0.1").build();
  }

  static DiscoveryResponse discoveryResponse(Any resource) {
    return DiscoveryResponse.newBuilder()
        .setVersionInfo("17")
        .addResources(resource)
        .addResources(Any.pack(Struct.newBuilder().putFields("k", Value.newBuilder().setStringValue("v").build()).build()))
        .setCanary(true)
        .setTypeUrl(SERVICE_ENTRY_GVK)
        .setNonce("n-17-3")
        .setControlPlane(controlPlane())
        .addResourceErrors(ResourceError.newBuilder()
            .setResourceName(ResourceName.newBuilder().setName("shop/broken"))
            .setErrorDetail(nack()))
        .build();
  }

  static DeltaDiscoveryRequest deltaRequest(Node node) {
    return DeltaDiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(SERVICE_ENTRY_GVK)
        .addResourceNamesSubscribe("shop/reviews")
        .addResourceNamesSubscribe("*")
        .addResourceNamesUnsubscribe("shop/old")
        .addResourceLocatorsSubscribe(ResourceLocator.newBuilder().setName("shop/details").putDynamicParameters("a", "b"))
        .addResourceLocatorsUnsubscribe(ResourceLocator.newBuilder().setName("shop/gone"))
        .putInitialResourceVersions("shop/reviews", "v3")
        .putInitialResourceVersions("shop/ratings", "v1")
        .setResponseNonce("d-9")
        .setErrorDetail(nack())
        .build();
  }

  static DeltaDiscoveryResponse deltaResponse(Any resource) {
    DynamicParameterConstraints zoneIsH = DynamicParameterConstraints.newBuilder()
        .setConstraint(DynamicParameterConstraints.SingleConstraint.newBuilder().setKey("zone").setValue("h"))
        .build();
    DynamicParameterConstraints hasRegion = DynamicParameterConstraints.newBuilder()
        .setConstraint(DynamicParameterConstraints.SingleConstraint.newBuilder().setKey("region")
            .setExists(DynamicParameterConstraints.SingleConstraint.Exists.getDefaultInstance()))
        .build();
    return DeltaDiscoveryResponse.newBuilder()
        .setSystemVersionInfo("sys-5")
        .addResources(Resource.newBuilder()
            .setName("shop/reviews")
            .setResourceName(ResourceName.newBuilder().setName("shop/reviews")
                .setDynamicParameterConstraints(DynamicParameterConstraints.newBuilder()
                    .setAndConstraints(DynamicParameterConstraints.ConstraintList.newBuilder()
                        .addConstraints(zoneIsH)
                        .addConstraints(DynamicParameterConstraints.newBuilder().setNotConstraints(hasRegion)))))
            .addAliases("reviews")
            .setVersion("v4")
            .setResource(resource)
            .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(30).setNanos(5))
            .setCacheControl(Resource.CacheControl.newBuilder().setDoNotCache(true))
            .setMetadata(Metadata.newBuilder()
                .putFilterMetadata("istio", Struct.newBuilder().putFields("x", Value.newBuilder().setBoolValue(true).build()).build())
                .putTypedFilterMetadata("typed", Any.pack(locality()))))
        .addResources(Resource.newBuilder().setName("shop/ratings").setVersion("v1")
            .setResourceName(ResourceName.newBuilder().setName("shop/ratings").setDynamicParameterConstraints(
                DynamicParameterConstraints.newBuilder().setOrConstraints(
                    DynamicParameterConstraints.ConstraintList.newBuilder().addConstraints(zoneIsH).addConstraints(hasRegion)))))
        .setTypeUrl(SERVICE_ENTRY_GVK)
        .addRemovedResources("shop/old")
        .addRemovedResourceNames(ResourceName.newBuilder().setName("shop/older"))
        .setNonce("d-10")
        .setControlPlane(controlPlane())
        .addResourceErrors(ResourceError.newBuilder().setResourceName(ResourceName.newBuilder().setName("x")).setErrorDetail(nack()))
        .build();
  }
}
