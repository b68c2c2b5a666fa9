package io.nacosistio.proto;

import static io.nacosistio.proto.IstioNetworkingKindsFixtures.seconds;
import static io.nacosistio.proto.SameContent.assertSameContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.nacosistio.proto.istio.mcp.v1alpha1.Metadata;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule;
import io.nacosistio.proto.istio.networking.v1alpha3.EnvoyFilter;
import io.nacosistio.proto.istio.networking.v1alpha3.Gateway;
import io.nacosistio.proto.istio.networking.v1alpha3.LoadBalancerSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.Sidecar;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadGroup;
import istio.mcp.v1alpha1.ResourceOuterClass;
import istio.networking.v1alpha3.DestinationRuleOuterClass;
import istio.networking.v1alpha3.EnvoyFilterOuterClass;
import istio.networking.v1alpha3.GatewayOuterClass;
import istio.networking.v1alpha3.SidecarOuterClass;
import istio.networking.v1alpha3.VirtualServiceOuterClass;
import istio.networking.v1alpha3.WorkloadEntryOuterClass;
import istio.networking.v1alpha3.WorkloadGroupOuterClass;
import org.junit.jupiter.api.Test;

/**
 * Realistic networking documents in both directions between our classes and the ones Nacos generated
 * from an older istio/api. Fields that istio/api added since then must reach the older classes as
 * unknown fields (checked by {@link SameContent}) and come back unchanged.
 */
class IstioNetworkingKindsWireCompatibilityTest {

  @Test
  void virtualServiceWeWriteIsReadByIstiosClasses() throws Exception {
    VirtualService ours = IstioNetworkingKindsFixtures.virtualService();

    var theirs = roundTrip(ours, VirtualServiceOuterClass.VirtualService.parser());

    assertThat(theirs.getHostsList()).containsExactly("reviews.shop.svc.cluster.local", "reviews.shop.nacos");
    var canary = theirs.getHttp(0);
    assertThat(canary.getName()).isEqualTo("reviews-canary");
    assertThat(canary.getMatch(0).getHeadersMap().get("end-user").getExact()).isEqualTo("jason");
    assertThat(canary.getRoute(0).getDestination().getSubset()).isEqualTo("v2");
    assertThat(canary.getRoute(0).getDestination().getPort().getNumber()).isEqualTo(9080);
    assertThat(canary.getRoute(0).getWeight()).isEqualTo(90);
    assertThat(canary.getTimeout()).isEqualTo(seconds(10));
    assertThat(canary.getRetries().getRetryOn()).isEqualTo("gateway-error,connect-failure,refused-stream");
    assertThat(canary.getFault().getAbort().getHttpStatus()).isEqualTo(503);
    assertThat(canary.getCorsPolicy().getAllowOrigins(1).getRegex()).isEqualTo("https://.*\\.shop\\.example\\.com");
    assertThat(theirs.getHttp(1).getRedirect().getRedirectCode()).isEqualTo(308);
    assertThat(theirs.getHttp(3).getDelegate().getNamespace()).isEqualTo("ratings");
    assertThat(theirs.getTls(0).getMatch(0).getSniHostsList()).containsExactly("reviews.shop.nacos");
    assertThat(theirs.getTcp(0).getRoute(0).getDestination().getHost()).isEqualTo("mongo.db.svc.cluster.local");
    // Added to istio/api after these classes were generated: carried as unknown fields.
    assertThat(canary.getUnknownFields().hasField(22)).isTrue();
    assertThat(theirs.getHttp(2).getUnknownFields().hasField(21)).as("direct_response").isTrue();
  }

  @Test
  void virtualServiceIstiosClassesWriteIsReadByOurs() throws Exception {
    var destination = VirtualServiceOuterClass.Destination.newBuilder()
        .setHost("details.shop.svc.cluster.local").setSubset("v1")
        .setPort(VirtualServiceOuterClass.PortSelector.newBuilder().setNumber(9080));
    var theirs = VirtualServiceOuterClass.VirtualService.newBuilder()
        .addHosts("details.shop.nacos")
        .addGateways("mesh")
        .addHttp(VirtualServiceOuterClass.HTTPRoute.newBuilder()
            .setName("details")
            .addMatch(VirtualServiceOuterClass.HTTPMatchRequest.newBuilder()
                .setUri(VirtualServiceOuterClass.StringMatch.newBuilder().setRegex("^/details/[0-9]+$"))
                .putHeaders("x-tenant", VirtualServiceOuterClass.StringMatch.newBuilder().setPrefix("gold").build())
                .setIgnoreUriCase(true))
            .addRoute(VirtualServiceOuterClass.HTTPRouteDestination.newBuilder().setDestination(destination).setWeight(100)
                .setHeaders(VirtualServiceOuterClass.Headers.newBuilder().setResponse(
                    VirtualServiceOuterClass.Headers.HeaderOperations.newBuilder().putSet("cache-control", "no-store"))))
            .setTimeout(seconds(3))
            .setRetries(VirtualServiceOuterClass.HTTPRetry.newBuilder().setAttempts(2).setPerTryTimeout(seconds(1)))
            .setFault(VirtualServiceOuterClass.HTTPFaultInjection.newBuilder().setDelay(
                VirtualServiceOuterClass.HTTPFaultInjection.Delay.newBuilder().setExponentialDelay(seconds(1))
                    .setPercentage(VirtualServiceOuterClass.Percent.newBuilder().setValue(50))))
            .setMirror(destination)
            .setMirrorPercent(UInt32Value.of(20))
            .setCorsPolicy(VirtualServiceOuterClass.CorsPolicy.newBuilder().addAllowOrigin("*").setAllowCredentials(BoolValue.of(false))))
        .addTcp(VirtualServiceOuterClass.TCPRoute.newBuilder()
            .addMatch(VirtualServiceOuterClass.L4MatchAttributes.newBuilder().setPort(6379))
            .addRoute(VirtualServiceOuterClass.RouteDestination.newBuilder().setDestination(destination).setWeight(100)))
        .addExportTo("*")
        .build();

    VirtualService ours = readWithOurs(theirs, VirtualService.parser());

    assertThat(ours.getHttp(0).getMatch(0).getUri().getRegex()).isEqualTo("^/details/[0-9]+$");
    assertThat(ours.getHttp(0).getRoute(0).getHeaders().getResponse().getSetMap()).containsExactly(entry("cache-control", "no-store"));
    assertThat(ours.getHttp(0).getFault().getDelay().getExponentialDelay()).isEqualTo(seconds(1));
    assertThat(ours.getHttp(0).getMirrorPercent().getValue()).isEqualTo(20);
    assertThat(ours.getHttp(0).getCorsPolicy().getAllowOriginList()).containsExactly("*");
    assertThat(ours.getTcp(0).getMatch(0).getPort()).isEqualTo(6379);
  }

  @Test
  void destinationRuleWeWriteIsReadByIstiosClasses() throws Exception {
    DestinationRule ours = IstioNetworkingKindsFixtures.destinationRule();

    var theirs = roundTrip(ours, DestinationRuleOuterClass.DestinationRule.parser());

    assertThat(theirs.getHost()).isEqualTo("reviews.shop.svc.cluster.local");
    var policy = theirs.getTrafficPolicy();
    assertThat(policy.getLoadBalancer().getConsistentHash().getHttpCookie().getName()).isEqualTo("session");
    assertThat(policy.getLoadBalancer().getLocalityLbSetting().getDistribute(0).getToMap())
        .containsExactly(entry("cn-hangzhou/cn-hangzhou-h/*", 80), entry("cn-hangzhou/cn-hangzhou-i/*", 20));
    assertThat(policy.getConnectionPool().getTcp().getMaxConnections()).isEqualTo(100);
    assertThat(policy.getConnectionPool().getHttp().getH2UpgradePolicy())
        .isEqualTo(DestinationRuleOuterClass.ConnectionPoolSettings.HTTPSettings.H2UpgradePolicy.UPGRADE);
    assertThat(policy.getOutlierDetection().getConsecutive5XxErrors().getValue()).isEqualTo(7);
    assertThat(policy.getTls().getMode()).isEqualTo(DestinationRuleOuterClass.ClientTLSSettings.TLSmode.MUTUAL);
    assertThat(policy.getPortLevelSettings(0).getPort().getNumber()).isEqualTo(9443);
    assertThat(theirs.getSubsets(1).getTrafficPolicy().getLoadBalancer().getSimple())
        .isEqualTo(DestinationRuleOuterClass.LoadBalancerSettings.SimpleLB.RANDOM);
    assertThat(theirs.getExportToList()).containsExactly("*");
    // tunnel (6), proxy_protocol (7), retry_budget (8) and workload_selector (5) are newer than these classes.
    assertThat(policy.getUnknownFields().asMap()).containsOnlyKeys(6, 7, 8);
    assertThat(theirs.getUnknownFields().asMap()).containsOnlyKeys(5);
  }

  @Test
  void destinationRuleIstiosClassesWriteIsReadByOurs() throws Exception {
    var theirs = DestinationRuleOuterClass.DestinationRule.newBuilder()
        .setHost("ratings.shop.svc.cluster.local")
        .setTrafficPolicy(DestinationRuleOuterClass.TrafficPolicy.newBuilder()
            .setLoadBalancer(DestinationRuleOuterClass.LoadBalancerSettings.newBuilder()
                .setSimple(DestinationRuleOuterClass.LoadBalancerSettings.SimpleLB.LEAST_CONN))
            .setConnectionPool(DestinationRuleOuterClass.ConnectionPoolSettings.newBuilder()
                .setHttp(DestinationRuleOuterClass.ConnectionPoolSettings.HTTPSettings.newBuilder()
                    .setHttp2MaxRequests(1000).setMaxRetries(2).setIdleTimeout(seconds(30))))
            .setOutlierDetection(DestinationRuleOuterClass.OutlierDetection.newBuilder()
                .setConsecutiveErrors(5).setInterval(seconds(5)).setBaseEjectionTime(seconds(60)))
            .setTls(DestinationRuleOuterClass.ClientTLSSettings.newBuilder()
                .setMode(DestinationRuleOuterClass.ClientTLSSettings.TLSmode.SIMPLE).setSni("ratings.example.com")))
        .addSubsets(DestinationRuleOuterClass.Subset.newBuilder().setName("v1").putLabels("version", "v1"))
        .addExportTo(".")
        .build();

    DestinationRule ours = readWithOurs(theirs, DestinationRule.parser());

    assertThat(ours.getTrafficPolicy().getLoadBalancer().getSimple()).isEqualTo(LoadBalancerSettings.SimpleLB.LEAST_CONN);
    assertThat(ours.getTrafficPolicy().getConnectionPool().getHttp().getHttp2MaxRequests()).isEqualTo(1000);
    assertThat(ours.getTrafficPolicy().getOutlierDetection().getConsecutiveErrors()).isEqualTo(5);
    assertThat(ours.getTrafficPolicy().getTls().getSni()).isEqualTo("ratings.example.com");
    assertThat(ours.getSubsets(0).getLabelsMap()).containsExactly(entry("version", "v1"));
    assertThat(ours.getExportToList()).containsExactly(".");
  }

  @Test
  void simpleLoadBalancerZeroChangedMeaningUpstream() throws Exception {
    // Older istio/api numbered ROUND_ROBIN 0; istio/api now calls 0 UNSPECIFIED and gives ROUND_ROBIN 4.
    var olderRoundRobin = DestinationRuleOuterClass.LoadBalancerSettings.newBuilder()
        .setSimple(DestinationRuleOuterClass.LoadBalancerSettings.SimpleLB.ROUND_ROBIN)
        .build();
    assertThat(LoadBalancerSettings.parseFrom(olderRoundRobin.toByteArray()).getSimple())
        .isEqualTo(LoadBalancerSettings.SimpleLB.UNSPECIFIED);

    var roundRobinSeenByOlder = DestinationRuleOuterClass.LoadBalancerSettings.parseFrom(
        LoadBalancerSettings.newBuilder().setSimple(LoadBalancerSettings.SimpleLB.ROUND_ROBIN).build().toByteArray());
    assertThat(roundRobinSeenByOlder.getSimpleValue()).isEqualTo(4);
    assertThat(roundRobinSeenByOlder.getSimple())
        .isEqualTo(DestinationRuleOuterClass.LoadBalancerSettings.SimpleLB.UNRECOGNIZED);
  }

  @Test
  void gatewayBothWays() throws Exception {
    Gateway ours = IstioNetworkingKindsFixtures.gateway();

    var theirs = roundTrip(ours, GatewayOuterClass.Gateway.parser());
    assertThat(theirs.getSelectorMap()).containsExactly(entry("istio", "ingressgateway"));
    assertThat(theirs.getServers(0).getPort().getNumber()).isEqualTo(443);
    assertThat(theirs.getServers(0).getTls().getMode()).isEqualTo(GatewayOuterClass.ServerTLSSettings.TLSmode.UNRECOGNIZED);
    assertThat(theirs.getServers(0).getTls().getModeValue()).as("OPTIONAL_MUTUAL").isEqualTo(5);
    assertThat(theirs.getServers(0).getTls().getMinProtocolVersion())
        .isEqualTo(GatewayOuterClass.ServerTLSSettings.TLSProtocol.TLSV1_2);
    assertThat(theirs.getServers(1).getTls().getHttpsRedirect()).isTrue();
    assertThat(theirs.getServers(1).getPort().getTargetPort()).isEqualTo(8080);

    var written = GatewayOuterClass.Gateway.newBuilder()
        .putSelector("app", "egress")
        .addServers(GatewayOuterClass.Server.newBuilder()
            .setPort(GatewayOuterClass.Port.newBuilder().setNumber(15443).setProtocol("TLS").setName("tls"))
            .addHosts("*.global")
            .setName("cross-network")
            .setTls(GatewayOuterClass.ServerTLSSettings.newBuilder()
                .setMode(GatewayOuterClass.ServerTLSSettings.TLSmode.AUTO_PASSTHROUGH)
                .addCipherSuites("ECDHE-RSA-AES128-GCM-SHA256")))
        .build();
    Gateway read = readWithOurs(written, Gateway.parser());
    assertThat(read.getServers(0).getTls().getMode())
        .isEqualTo(io.nacosistio.proto.istio.networking.v1alpha3.ServerTLSSettings.TLSmode.AUTO_PASSTHROUGH);
    assertThat(read.getServers(0).getName()).isEqualTo("cross-network");
  }

  @Test
  void sidecarBothWays() throws Exception {
    Sidecar ours = IstioNetworkingKindsFixtures.sidecar();

    var theirs = roundTrip(ours, SidecarOuterClass.Sidecar.parser());
    assertThat(theirs.getWorkloadSelector().getLabelsMap()).containsExactly(entry("app", "ratings"));
    assertThat(theirs.getIngress(0).getPort().getNumber()).isEqualTo(9080);
    assertThat(theirs.getIngress(0).getDefaultEndpoint()).isEqualTo("unix:///var/run/ratings.sock");
    assertThat(theirs.getEgress(0).getCaptureMode()).isEqualTo(SidecarOuterClass.CaptureMode.NONE);
    assertThat(theirs.getEgress(1).getHostsList()).containsExactly("./*", "istio-system/*");
    assertThat(theirs.getOutboundTrafficPolicy().getMode()).isEqualTo(SidecarOuterClass.OutboundTrafficPolicy.Mode.ALLOW_ANY);
    assertThat(theirs.getOutboundTrafficPolicy().getEgressProxy().getSubset()).isEqualTo("proxy");

    var written = SidecarOuterClass.Sidecar.newBuilder()
        .setWorkloadSelector(SidecarOuterClass.WorkloadSelector.newBuilder().putLabels("app", "cart"))
        .addIngress(SidecarOuterClass.IstioIngressListener.newBuilder()
            .setPort(GatewayOuterClass.Port.newBuilder().setNumber(8080).setProtocol("HTTP").setName("http"))
            .setDefaultEndpoint("127.0.0.1:8080")
            .setCaptureMode(SidecarOuterClass.CaptureMode.DEFAULT))
        .addEgress(SidecarOuterClass.IstioEgressListener.newBuilder().addHosts("shop/*"))
        .setOutboundTrafficPolicy(SidecarOuterClass.OutboundTrafficPolicy.newBuilder()
            .setMode(SidecarOuterClass.OutboundTrafficPolicy.Mode.REGISTRY_ONLY))
        .build();
    Sidecar read = readWithOurs(written, Sidecar.parser());
    assertThat(read.getIngress(0).getPort().getName()).isEqualTo("http");
    assertThat(read.getEgress(0).getHostsList()).containsExactly("shop/*");
  }

  @Test
  void envoyFilterBothWays() throws Exception {
    EnvoyFilter ours = IstioNetworkingKindsFixtures.envoyFilter();

    var theirs = roundTrip(ours, EnvoyFilterOuterClass.EnvoyFilter.parser());
    assertThat(theirs.getConfigPatchesCount()).isEqualTo(4);
    var lua = theirs.getConfigPatches(0);
    assertThat(lua.getApplyTo()).isEqualTo(EnvoyFilterOuterClass.EnvoyFilter.ApplyTo.HTTP_FILTER);
    assertThat(lua.getMatch().getListener().getFilterChain().getFilter().getSubFilter().getName())
        .isEqualTo("envoy.filters.http.router");
    assertThat(lua.getPatch().getOperation()).isEqualTo(EnvoyFilterOuterClass.EnvoyFilter.Patch.Operation.INSERT_BEFORE);
    assertThat(lua.getPatch().getValue()).isEqualTo(ours.getConfigPatches(0).getPatch().getValue());
    assertThat(theirs.getConfigPatches(2).getMatch().getRouteConfiguration().getVhost().getRoute().getAction())
        .isEqualTo(EnvoyFilterOuterClass.EnvoyFilter.RouteConfigurationMatch.RouteMatch.Action.ROUTE);
    assertThat(theirs.getWorkloadSelector().getLabelsMap()).containsExactly(entry("app", "reviews"));
    // The waypoint match (6) is unknown to these classes, so they see no object type at all.
    assertThat(theirs.getConfigPatches(3).getMatch().getObjectTypesCase())
        .isEqualTo(EnvoyFilterOuterClass.EnvoyFilter.EnvoyConfigObjectMatch.ObjectTypesCase.OBJECTTYPES_NOT_SET);

    var written = EnvoyFilterOuterClass.EnvoyFilter.newBuilder()
        .setWorkloadSelector(SidecarOuterClass.WorkloadSelector.newBuilder().putLabels("istio", "ingressgateway"))
        .addConfigPatches(EnvoyFilterOuterClass.EnvoyFilter.EnvoyConfigObjectPatch.newBuilder()
            .setApplyTo(EnvoyFilterOuterClass.EnvoyFilter.ApplyTo.NETWORK_FILTER)
            .setMatch(EnvoyFilterOuterClass.EnvoyFilter.EnvoyConfigObjectMatch.newBuilder()
                .setContext(EnvoyFilterOuterClass.EnvoyFilter.PatchContext.GATEWAY)
                .setListener(EnvoyFilterOuterClass.EnvoyFilter.ListenerMatch.newBuilder().setPortNumber(443)))
            .setPatch(EnvoyFilterOuterClass.EnvoyFilter.Patch.newBuilder()
                .setOperation(EnvoyFilterOuterClass.EnvoyFilter.Patch.Operation.REMOVE)))
        .build();
    EnvoyFilter read = readWithOurs(written, EnvoyFilter.parser());
    assertThat(read.getConfigPatches(0).getMatch().getListener().getPortNumber()).isEqualTo(443);
    assertThat(read.getConfigPatches(0).getPatch().getOperation()).isEqualTo(EnvoyFilter.Patch.Operation.REMOVE);
  }

  @Test
  void workloadGroupBothWays() throws Exception {
    WorkloadGroup ours = IstioNetworkingKindsFixtures.workloadGroup();

    var theirs = roundTrip(ours, WorkloadGroupOuterClass.WorkloadGroup.parser());
    assertThat(theirs.getMetadata().getAnnotationsMap()).containsExactly(entry("nacos.io/group", "BILLING"));
    assertThat(theirs.getTemplate().getPortsMap()).containsExactly(entry("http", 8080));
    assertThat(theirs.getProbe().getHttpGet().getHttpHeaders(0).getValue()).isEqualTo("istio");
    assertThat(theirs.getProbe().getFailureThreshold()).isEqualTo(3);
    roundTrip(IstioNetworkingKindsFixtures.workloadGroupWithTcpProbe(), WorkloadGroupOuterClass.WorkloadGroup.parser());

    var written = WorkloadGroupOuterClass.WorkloadGroup.newBuilder()
        .setMetadata(WorkloadGroupOuterClass.WorkloadGroup.ObjectMeta.newBuilder().putLabels("app", "batch"))
        .setTemplate(WorkloadEntryOuterClass.WorkloadEntry.newBuilder().setServiceAccount("batch").putLabels("tier", "vm"))
        .setProbe(WorkloadGroupOuterClass.ReadinessProbe.newBuilder()
            .setExec(WorkloadGroupOuterClass.ExecHealthCheckConfig.newBuilder().addCommand("/bin/check").addCommand("--quick")))
        .build();
    WorkloadGroup read = readWithOurs(written, WorkloadGroup.parser());
    assertThat(read.getProbe().getExec().getCommandList()).containsExactly("/bin/check", "--quick");
    assertThat(read.getTemplate().getServiceAccount()).isEqualTo("batch");
  }

  @Test
  void everyNetworkingKindTravelsInsideAnMcpResource() throws Exception {
    Message[] bodies = {
        IstioNetworkingKindsFixtures.virtualService(), IstioNetworkingKindsFixtures.destinationRule(),
        IstioNetworkingKindsFixtures.gateway(), IstioNetworkingKindsFixtures.sidecar(),
        IstioNetworkingKindsFixtures.envoyFilter(), IstioNetworkingKindsFixtures.workloadGroup()};
    Class<?>[] theirTypes = {
        VirtualServiceOuterClass.VirtualService.class, DestinationRuleOuterClass.DestinationRule.class,
        GatewayOuterClass.Gateway.class, SidecarOuterClass.Sidecar.class,
        EnvoyFilterOuterClass.EnvoyFilter.class, WorkloadGroupOuterClass.WorkloadGroup.class};
    for (int i = 0; i < bodies.length; i++) {
      Resource resource = Resource.newBuilder()
          .setMetadata(Metadata.newBuilder().setName("shop/doc-" + i).setVersion("1"))
          .setBody(Any.pack(bodies[i]))
          .build();
      var theirs = ResourceOuterClass.Resource.parseFrom(resource.toByteArray());
      @SuppressWarnings("unchecked")
      Class<Message> type = (Class<Message>) theirTypes[i];
      assertThat(theirs.getBody().is(type)).as("body type URL of %s", type).isTrue();
      assertSameContent(bodies[i], theirs.getBody().unpack(type));
    }
  }

  /** Ours → bytes → theirs, compared field by field, then back to ours unchanged. */
  private static <T extends Message> T roundTrip(Message ours, com.google.protobuf.Parser<T> theirParser) throws Exception {
    T theirs = theirParser.parseFrom(ours.toByteString());
    assertSameContent(ours, theirs);
    assertThat(ours.getParserForType().parseFrom(theirs.toByteString())).isEqualTo(ours);
    return theirs;
  }

  /** Theirs → bytes → ours: every field known, same bytes back. */
  private static <T extends Message> T readWithOurs(Message theirs, com.google.protobuf.Parser<T> ourParser) throws Exception {
    T ours = ourParser.parseFrom(theirs.toByteString());
    assertSameContent(theirs, ours);
    assertThat(ours.getUnknownFields().asMap()).isEmpty();
    assertThat(ours.toByteString()).isEqualTo(theirs.toByteString());
    return ours;
  }
}
