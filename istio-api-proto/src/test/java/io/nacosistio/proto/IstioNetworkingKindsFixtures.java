package io.nacosistio.proto;

import com.google.protobuf.BoolValue;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.nacosistio.proto.istio.networking.v1alpha3.CaptureMode;
import io.nacosistio.proto.istio.networking.v1alpha3.ClientTLSSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.ConnectionPoolSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.CorsPolicy;
import io.nacosistio.proto.istio.networking.v1alpha3.Delegate;
import io.nacosistio.proto.istio.networking.v1alpha3.Destination;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule;
import io.nacosistio.proto.istio.networking.v1alpha3.EnvoyFilter;
import io.nacosistio.proto.istio.networking.v1alpha3.Gateway;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPBody;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPDirectResponse;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPFaultInjection;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPHeader;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPHealthCheckConfig;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPMatchRequest;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPMirrorPolicy;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRedirect;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRetry;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRewrite;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRouteDestination;
import io.nacosistio.proto.istio.networking.v1alpha3.Headers;
import io.nacosistio.proto.istio.networking.v1alpha3.IstioEgressListener;
import io.nacosistio.proto.istio.networking.v1alpha3.IstioIngressListener;
import io.nacosistio.proto.istio.networking.v1alpha3.L4MatchAttributes;
import io.nacosistio.proto.istio.networking.v1alpha3.LoadBalancerSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.LocalityLoadBalancerSetting;
import io.nacosistio.proto.istio.networking.v1alpha3.OutboundTrafficPolicy;
import io.nacosistio.proto.istio.networking.v1alpha3.OutlierDetection;
import io.nacosistio.proto.istio.networking.v1alpha3.Percent;
import io.nacosistio.proto.istio.networking.v1alpha3.Port;
import io.nacosistio.proto.istio.networking.v1alpha3.PortSelector;
import io.nacosistio.proto.istio.networking.v1alpha3.ReadinessProbe;
import io.nacosistio.proto.istio.networking.v1alpha3.RegexRewrite;
import io.nacosistio.proto.istio.networking.v1alpha3.RouteDestination;
import io.nacosistio.proto.istio.networking.v1alpha3.Server;
import io.nacosistio.proto.istio.networking.v1alpha3.ServerTLSSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.Sidecar;
import io.nacosistio.proto.istio.networking.v1alpha3.SidecarPort;
import io.nacosistio.proto.istio.networking.v1alpha3.StringMatch;
import io.nacosistio.proto.istio.networking.v1alpha3.Subset;
import io.nacosistio.proto.istio.networking.v1alpha3.TCPHealthCheckConfig;
import io.nacosistio.proto.istio.networking.v1alpha3.TCPRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.TLSMatchAttributes;
import io.nacosistio.proto.istio.networking.v1alpha3.TLSRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.TrafficPolicy;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;
import io.nacosistio.proto.istio.networking.v1alpha3.WarmupConfiguration;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadGroup;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadSelector;

/** Networking documents as an operator would write them, built with this project's classes. */
final class IstioNetworkingKindsFixtures {

  private IstioNetworkingKindsFixtures() {
  }

  static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  static Duration millis(int millis) {
    return Duration.newBuilder().setNanos(millis * 1_000_000).build();
  }

  static Destination destination(String host, String subset, int port) {
    return Destination.newBuilder().setHost(host).setSubset(subset).setPort(PortSelector.newBuilder().setNumber(port)).build();
  }

  static VirtualService virtualService() {
    HTTPRoute canary = HTTPRoute.newBuilder()
        .setName("reviews-canary")
        .addMatch(HTTPMatchRequest.newBuilder()
            .setName("jason")
            .setUri(StringMatch.newBuilder().setPrefix("/reviews/"))
            .setScheme(StringMatch.newBuilder().setExact("https"))
            .setMethod(StringMatch.newBuilder().setRegex("GET|HEAD"))
            .setAuthority(StringMatch.newBuilder().setExact("reviews.shop.nacos"))
            .putHeaders("end-user", StringMatch.newBuilder().setExact("jason").build())
            .putQueryParams("debug", StringMatch.newBuilder().setExact("1").build())
            .putWithoutHeaders("x-legacy", StringMatch.newBuilder().setPrefix("").build())
            .setPort(9080)
            .putSourceLabels("app", "productpage")
            .addGateways("mesh")
            .setIgnoreUriCase(true)
            .setSourceNamespace("frontend")
            .setStatPrefix("canary"))
        .addRoute(HTTPRouteDestination.newBuilder()
            .setDestination(destination("reviews.shop.svc.cluster.local", "v2", 9080))
            .setWeight(90)
            .setHeaders(Headers.newBuilder()
                .setRequest(Headers.HeaderOperations.newBuilder().putSet("x-canary", "false"))
                .setResponse(Headers.HeaderOperations.newBuilder().addRemove("server"))))
        .addRoute(HTTPRouteDestination.newBuilder()
            .setDestination(destination("reviews.shop.svc.cluster.local", "v3", 9080))
            .setWeight(10))
        .setRewrite(HTTPRewrite.newBuilder()
            .setAuthority("reviews.internal")
            .setUriRegexRewrite(RegexRewrite.newBuilder().setMatch("^/reviews/(.*)$").setRewrite("/\\1")))
        .setTimeout(seconds(10))
        .setRetries(HTTPRetry.newBuilder()
            .setAttempts(3)
            .setPerTryTimeout(seconds(2))
            .setRetryOn("gateway-error,connect-failure,refused-stream")
            .setRetryRemoteLocalities(BoolValue.of(true))
            .setRetryIgnorePreviousHosts(BoolValue.of(false))
            .setBackoff(millis(25)))
        .setFault(HTTPFaultInjection.newBuilder()
            .setDelay(HTTPFaultInjection.Delay.newBuilder().setFixedDelay(seconds(5)).setPercentage(Percent.newBuilder().setValue(0.1)))
            .setAbort(HTTPFaultInjection.Abort.newBuilder().setHttpStatus(503).setPercentage(Percent.newBuilder().setValue(1.5))))
        .addMirrors(HTTPMirrorPolicy.newBuilder()
            .setDestination(destination("reviews-shadow.shop.svc.cluster.local", "", 9080))
            .setPercentage(Percent.newBuilder().setValue(5)))
        .setMirror(destination("reviews-legacy.shop.svc.cluster.local", "v1", 9080))
        .setMirrorPercentage(Percent.newBuilder().setValue(2.5))
        .setCorsPolicy(CorsPolicy.newBuilder()
            .addAllowOrigins(StringMatch.newBuilder().setExact("https://shop.example.com"))
            .addAllowOrigins(StringMatch.newBuilder().setRegex("https://.*\\.shop\\.example\\.com"))
            .addAllowMethods("GET")
            .addAllowMethods("POST")
            .addAllowHeaders("authorization")
            .addExposeHeaders("x-request-id")
            .setMaxAge(seconds(86400))
            .setAllowCredentials(BoolValue.of(true))
            .setUnmatchedPreflights(CorsPolicy.UnmatchedPreflights.IGNORE))
        .setHeaders(Headers.newBuilder().setRequest(Headers.HeaderOperations.newBuilder().putAdd("x-route", "canary")))
        .build();
    HTTPRoute legacyRedirect = HTTPRoute.newBuilder()
        .setName("legacy")
        .addMatch(HTTPMatchRequest.newBuilder().setUri(StringMatch.newBuilder().setExact("/v1/reviews")))
        .setRedirect(HTTPRedirect.newBuilder()
            .setUri("/reviews")
            .setAuthority("reviews.shop.nacos")
            .setDerivePort(HTTPRedirect.RedirectPortSelection.FROM_REQUEST_PORT)
            .setScheme("https")
            .setRedirectCode(308))
        .build();
    HTTPRoute maintenance = HTTPRoute.newBuilder()
        .setName("maintenance")
        .addMatch(HTTPMatchRequest.newBuilder().putHeaders("x-maintenance", StringMatch.newBuilder().setExact("on").build()))
        .setDirectResponse(HTTPDirectResponse.newBuilder()
            .setStatus(503)
            .setBody(HTTPBody.newBuilder().setString("{\"error\":\"maintenance\"}")))
        .build();
    HTTPRoute delegated = HTTPRoute.newBuilder()
        .setName("ratings")
        .addMatch(HTTPMatchRequest.newBuilder().setUri(StringMatch.newBuilder().setPrefix("/ratings")))
        .setDelegate(Delegate.newBuilder().setName("ratings-routes").setNamespace("ratings"))
        .build();
    return VirtualService.newBuilder()
        .addHosts("reviews.shop.svc.cluster.local")
        .addHosts("reviews.shop.nacos")
        .addGateways("mesh")
        .addGateways("istio-system/shop-gateway")
        .addHttp(canary)
        .addHttp(legacyRedirect)
        .addHttp(maintenance)
        .addHttp(delegated)
        .addTls(TLSRoute.newBuilder()
            .addMatch(TLSMatchAttributes.newBuilder()
                .addSniHosts("reviews.shop.nacos")
                .addDestinationSubnets("10.0.0.0/16")
                .setPort(443)
                .putSourceLabels("app", "edge")
                .addGateways("istio-system/shop-gateway")
                .setSourceNamespace("edge"))
            .addRoute(RouteDestination.newBuilder().setDestination(destination("reviews.shop.svc.cluster.local", "v2", 9443)).setWeight(100)))
        .addTcp(TCPRoute.newBuilder()
            .addMatch(L4MatchAttributes.newBuilder()
                .addDestinationSubnets("10.1.0.0/16")
                .setPort(27017)
                .setSourceSubnet("10.2.0.0/16")
                .putSourceLabels("app", "reviews")
                .addGateways("mesh")
                .setSourceNamespace("shop"))
            .addRoute(RouteDestination.newBuilder().setDestination(destination("mongo.db.svc.cluster.local", "", 27017))))
        .addExportTo(".")
        .addExportTo("frontend")
        .build();
  }

  static DestinationRule destinationRule() {
    LoadBalancerSettings sticky = LoadBalancerSettings.newBuilder()
        .setConsistentHash(LoadBalancerSettings.ConsistentHashLB.newBuilder()
            .setHttpCookie(LoadBalancerSettings.ConsistentHashLB.HTTPCookie.newBuilder()
                .setName("session")
                .setPath("/")
                .setTtl(seconds(3600))
                .addAttributes(LoadBalancerSettings.ConsistentHashLB.HTTPCookie.Attribute.newBuilder().setName("SameSite").setValue("Strict")))
            .setRingHash(LoadBalancerSettings.ConsistentHashLB.RingHash.newBuilder().setMinimumRingSize(2048)))
        .setLocalityLbSetting(LocalityLoadBalancerSetting.newBuilder()
            .addDistribute(LocalityLoadBalancerSetting.Distribute.newBuilder()
                .setFrom("cn-hangzhou/cn-hangzhou-h/*")
                .putTo("cn-hangzhou/cn-hangzhou-h/*", 80)
                .putTo("cn-hangzhou/cn-hangzhou-i/*", 20))
            .addFailover(LocalityLoadBalancerSetting.Failover.newBuilder().setFrom("cn-hangzhou").setTo("cn-shanghai"))
            .addFailoverPriority("topology.istio.io/network")
            .setEnabled(BoolValue.of(true)))
        .setWarmup(WarmupConfiguration.newBuilder()
            .setDuration(seconds(60))
            .setMinimumPercent(DoubleValue.of(10))
            .setAggression(DoubleValue.of(1.5)))
        .build();
    TrafficPolicy policy = TrafficPolicy.newBuilder()
        .setLoadBalancer(sticky)
        .setConnectionPool(ConnectionPoolSettings.newBuilder()
            .setTcp(ConnectionPoolSettings.TCPSettings.newBuilder()
                .setMaxConnections(100)
                .setConnectTimeout(millis(30))
                .setTcpKeepalive(ConnectionPoolSettings.TCPSettings.TcpKeepalive.newBuilder()
                    .setProbes(5).setTime(seconds(7200)).setInterval(seconds(75)))
                .setMaxConnectionDuration(seconds(600))
                .setIdleTimeout(seconds(300)))
            .setHttp(ConnectionPoolSettings.HTTPSettings.newBuilder()
                .setHttp1MaxPendingRequests(1024)
                .setHttp2MaxRequests(2048)
                .setMaxRequestsPerConnection(10)
                .setMaxRetries(3)
                .setIdleTimeout(seconds(60))
                .setH2UpgradePolicy(ConnectionPoolSettings.HTTPSettings.H2UpgradePolicy.UPGRADE)
                .setUseClientProtocol(true)
                .setMaxConcurrentStreams(256)
                .setHttp2KeepAlive(ConnectionPoolSettings.HTTPSettings.ConnectionKeepalive.newBuilder()
                    .setInterval(seconds(30)).setTimeout(seconds(5)))))
        .setOutlierDetection(OutlierDetection.newBuilder()
            .setSplitExternalLocalOriginErrors(true)
            .setConsecutiveLocalOriginFailures(UInt32Value.of(5))
            .setConsecutiveGatewayErrors(UInt32Value.of(3))
            .setConsecutive5XxErrors(UInt32Value.of(7))
            .setInterval(seconds(10))
            .setBaseEjectionTime(seconds(30))
            .setMaxEjectionPercent(50)
            .setMinHealthPercent(30)
            .addOutlierDetectionHttpErrorCodes(502)
            .addOutlierDetectionHttpErrorCodes(503))
        .setTls(ClientTLSSettings.newBuilder()
            .setMode(ClientTLSSettings.TLSmode.MUTUAL)
            .setClientCertificate("/etc/certs/cert.pem")
            .setPrivateKey("/etc/certs/key.pem")
            .setCaCertificates("/etc/certs/ca.pem")
            .setCredentialName("reviews-client")
            .addSubjectAltNames("reviews.shop.nacos")
            .setSni("reviews.shop.nacos")
            .setInsecureSkipVerify(BoolValue.of(false))
            .setCaCrl("/etc/certs/crl.pem"))
        .addPortLevelSettings(TrafficPolicy.PortTrafficPolicy.newBuilder()
            .setPort(PortSelector.newBuilder().setNumber(9443))
            .setLoadBalancer(LoadBalancerSettings.newBuilder().setSimple(LoadBalancerSettings.SimpleLB.LEAST_REQUEST))
            .setTls(ClientTLSSettings.newBuilder().setMode(ClientTLSSettings.TLSmode.ISTIO_MUTUAL)))
        .setTunnel(TrafficPolicy.TunnelSettings.newBuilder().setProtocol("CONNECT").setTargetHost("egress.example.com").setTargetPort(8443))
        .setProxyProtocol(TrafficPolicy.ProxyProtocol.newBuilder().setVersion(TrafficPolicy.ProxyProtocol.VERSION.V2))
        .setRetryBudget(TrafficPolicy.RetryBudget.newBuilder()
            .setPercent(DoubleValue.of(20)).setMinRetryConcurrency(3).setBudgetInterval(seconds(10)))
        .build();
    return DestinationRule.newBuilder()
        .setHost("reviews.shop.svc.cluster.local")
        .setTrafficPolicy(policy)
        .addSubsets(Subset.newBuilder().setName("v2").putLabels("version", "v2"))
        .addSubsets(Subset.newBuilder().setName("v3").putLabels("version", "v3")
            .setTrafficPolicy(TrafficPolicy.newBuilder()
                .setLoadBalancer(LoadBalancerSettings.newBuilder().setSimple(LoadBalancerSettings.SimpleLB.RANDOM))))
        .addExportTo("*")
        .setWorkloadSelector(io.nacosistio.proto.istio.type.v1beta1.WorkloadSelector.newBuilder().putMatchLabels("app", "productpage"))
        .build();
  }

  static Gateway gateway() {
    return Gateway.newBuilder()
        .putSelector("istio", "ingressgateway")
        .addServers(Server.newBuilder()
            .setPort(Port.newBuilder().setNumber(443).setProtocol("HTTPS").setName("https"))
            .addHosts("shop/reviews.shop.nacos")
            .addHosts("*/www.shop.example.com")
            .setName("https-shop")
            .setTls(ServerTLSSettings.newBuilder()
                .setMode(ServerTLSSettings.TLSmode.OPTIONAL_MUTUAL)
                .setCredentialName("shop-cert")
                .addCredentialNames("shop-cert-ecdsa")
                .setCaCertCredentialName("shop-ca")
                .addTlsCertificates(ServerTLSSettings.TLSCertificate.newBuilder()
                    .setServerCertificate("/etc/tls/rsa.crt").setPrivateKey("/etc/tls/rsa.key").setCaCertificates("/etc/tls/ca.crt"))
                .addSubjectAltNames("client.shop.example.com")
                .addVerifyCertificateSpki("Y2VydA==")
                .addVerifyCertificateHash("AB:CD")
                .setMinProtocolVersion(ServerTLSSettings.TLSProtocol.TLSV1_2)
                .setMaxProtocolVersion(ServerTLSSettings.TLSProtocol.TLSV1_3)
                .addCipherSuites("ECDHE-ECDSA-AES256-GCM-SHA384")
                .setCaCrl("/etc/tls/crl.pem")
                .setInsecureSkipVerify(BoolValue.of(false))))
        .addServers(Server.newBuilder()
            .setPort(Port.newBuilder().setNumber(80).setProtocol("HTTP").setName("http").setTargetPort(8080))
            .setBind("0.0.0.0")
            .addHosts("*")
            .setDefaultEndpoint("127.0.0.1:8080")
            .setTls(ServerTLSSettings.newBuilder().setHttpsRedirect(true)))
        .build();
  }

  static Sidecar sidecar() {
    return Sidecar.newBuilder()
        .setWorkloadSelector(WorkloadSelector.newBuilder().putLabels("app", "ratings"))
        .addIngress(IstioIngressListener.newBuilder()
            .setPort(SidecarPort.newBuilder().setNumber(9080).setProtocol("HTTP").setName("http"))
            .setBind("0.0.0.0")
            .setCaptureMode(CaptureMode.IPTABLES)
            .setDefaultEndpoint("unix:///var/run/ratings.sock")
            .setTls(ServerTLSSettings.newBuilder().setMode(ServerTLSSettings.TLSmode.SIMPLE)
                .setServerCertificate("/etc/certs/server.pem").setPrivateKey("/etc/certs/key.pem"))
            .setConnectionPool(ConnectionPoolSettings.newBuilder()
                .setHttp(ConnectionPoolSettings.HTTPSettings.newBuilder().setHttp1MaxPendingRequests(64))))
        .addEgress(IstioEgressListener.newBuilder()
            .setPort(SidecarPort.newBuilder().setNumber(3306).setProtocol("MYSQL").setName("mysql"))
            .setBind("127.0.0.1")
            .setCaptureMode(CaptureMode.NONE)
            .addHosts("db/mysql.db.svc.cluster.local"))
        .addEgress(IstioEgressListener.newBuilder().addHosts("./*").addHosts("istio-system/*"))
        .setInboundConnectionPool(ConnectionPoolSettings.newBuilder()
            .setTcp(ConnectionPoolSettings.TCPSettings.newBuilder().setMaxConnections(500)))
        .setOutboundTrafficPolicy(OutboundTrafficPolicy.newBuilder()
            .setMode(OutboundTrafficPolicy.Mode.ALLOW_ANY)
            .setEgressProxy(destination("egress.istio-system.svc.cluster.local", "proxy", 443)))
        .build();
  }

  static EnvoyFilter envoyFilter() {
    Struct luaFilter = Struct.newBuilder()
        .putFields("name", Value.newBuilder().setStringValue("envoy.filters.http.lua").build())
        .putFields("typed_config", Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("@type", Value.newBuilder().setStringValue(
                "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua").build())
            .putFields("default_source_code", Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("inline_string", Value.newBuilder().setStringValue(
                    "function envoy_on_request(h) h:headers():add('x-lua', '1') end").build())).build()))
            .build())
        .build();
    return EnvoyFilter.newBuilder()
        .setWorkloadSelector(WorkloadSelector.newBuilder().putLabels("app", "reviews"))
        .addTargetRefs(io.nacosistio.proto.istio.type.v1beta1.PolicyTargetReference.newBuilder()
            .setGroup("gateway.networking.k8s.io").setKind("Gateway").setName("waypoint"))
        .addConfigPatches(EnvoyFilter.EnvoyConfigObjectPatch.newBuilder()
            .setApplyTo(EnvoyFilter.ApplyTo.HTTP_FILTER)
            .setMatch(EnvoyFilter.EnvoyConfigObjectMatch.newBuilder()
                .setContext(EnvoyFilter.PatchContext.SIDECAR_INBOUND)
                .setProxy(EnvoyFilter.ProxyMatch.newBuilder().setProxyVersion("^1\\.2[0-9].*").putMetadata("ISTIO_META_APP", "reviews"))
                .setListener(EnvoyFilter.ListenerMatch.newBuilder()
                    .setPortNumber(9080)
                    .setPortName("http")
                    .setListenerFilter("envoy.filters.listener.tls_inspector")
                    .setName("virtualInbound")
                    .setFilterChain(EnvoyFilter.ListenerMatch.FilterChainMatch.newBuilder()
                        .setName("inbound|9080||")
                        .setSni("reviews.shop.nacos")
                        .setTransportProtocol("raw_buffer")
                        .setApplicationProtocols("http/1.1,h2c")
                        .setDestinationPort(9080)
                        .setFilter(EnvoyFilter.ListenerMatch.FilterMatch.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setSubFilter(EnvoyFilter.ListenerMatch.SubFilterMatch.newBuilder().setName("envoy.filters.http.router"))))))
            .setPatch(EnvoyFilter.Patch.newBuilder()
                .setOperation(EnvoyFilter.Patch.Operation.INSERT_BEFORE)
                .setValue(luaFilter)
                .setFilterClass(EnvoyFilter.Patch.FilterClass.AUTHZ)))
        .addConfigPatches(EnvoyFilter.EnvoyConfigObjectPatch.newBuilder()
            .setApplyTo(EnvoyFilter.ApplyTo.CLUSTER)
            .setMatch(EnvoyFilter.EnvoyConfigObjectMatch.newBuilder()
                .setContext(EnvoyFilter.PatchContext.SIDECAR_OUTBOUND)
                .setCluster(EnvoyFilter.ClusterMatch.newBuilder()
                    .setPortNumber(9080).setService("ratings.shop.svc.cluster.local").setSubset("v1").setName("outbound|9080|v1|ratings")))
            .setPatch(EnvoyFilter.Patch.newBuilder()
                .setOperation(EnvoyFilter.Patch.Operation.MERGE)
                .setValue(Struct.newBuilder().putFields("per_connection_buffer_limit_bytes",
                    Value.newBuilder().setNumberValue(1024).build()))))
        .addConfigPatches(EnvoyFilter.EnvoyConfigObjectPatch.newBuilder()
            .setApplyTo(EnvoyFilter.ApplyTo.HTTP_ROUTE)
            .setMatch(EnvoyFilter.EnvoyConfigObjectMatch.newBuilder()
                .setContext(EnvoyFilter.PatchContext.GATEWAY)
                .setRouteConfiguration(EnvoyFilter.RouteConfigurationMatch.newBuilder()
                    .setPortNumber(443)
                    .setPortName("https")
                    .setGateway("istio-system/shop-gateway")
                    .setName("https.443.https-shop")
                    .setVhost(EnvoyFilter.RouteConfigurationMatch.VirtualHostMatch.newBuilder()
                        .setName("reviews.shop.nacos:443")
                        .setDomainName("reviews.shop.nacos")
                        .setRoute(EnvoyFilter.RouteConfigurationMatch.RouteMatch.newBuilder()
                            .setName("reviews-canary").setAction(EnvoyFilter.RouteConfigurationMatch.RouteMatch.Action.ROUTE)))))
            .setPatch(EnvoyFilter.Patch.newBuilder().setOperation(EnvoyFilter.Patch.Operation.MERGE)
                .setValue(Struct.newBuilder().putFields("route", Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("idle_timeout", Value.newBuilder().setStringValue("15s").build())).build()))))
        .addConfigPatches(EnvoyFilter.EnvoyConfigObjectPatch.newBuilder()
            .setApplyTo(EnvoyFilter.ApplyTo.LISTENER)
            .setMatch(EnvoyFilter.EnvoyConfigObjectMatch.newBuilder()
                .setContext(EnvoyFilter.PatchContext.WAYPOINT)
                .setWaypoint(EnvoyFilter.WaypointMatch.newBuilder()
                    .setPortNumber(15008)
                    .setRoute(EnvoyFilter.WaypointMatch.RouteMatch.newBuilder().setName("default"))
                    .setFilter(EnvoyFilter.WaypointMatch.FilterMatch.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setSubFilter(EnvoyFilter.WaypointMatch.FilterMatch.SubFilterMatch.newBuilder().setName("envoy.filters.http.rbac")))))
            .setPatch(EnvoyFilter.Patch.newBuilder().setOperation(EnvoyFilter.Patch.Operation.MERGE_AND_REPLACE_LIST)
                .setValue(Struct.newBuilder().putFields("listener_filters", Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build()))))
        .setPriority(-10)
        .build();
  }

  static WorkloadGroup workloadGroup() {
    return WorkloadGroup.newBuilder()
        .setMetadata(WorkloadGroup.ObjectMeta.newBuilder()
            .putLabels("app", "legacy-billing")
            .putAnnotations("nacos.io/group", "BILLING"))
        .setTemplate(WorkloadEntry.newBuilder()
            .putPorts("http", 8080)
            .putLabels("version", "v1")
            .setNetwork("vm-network")
            .setLocality("cn-hangzhou/cn-hangzhou-h")
            .setWeight(10)
            .setServiceAccount("billing"))
        .setProbe(ReadinessProbe.newBuilder()
            .setInitialDelaySeconds(5)
            .setTimeoutSeconds(3)
            .setPeriodSeconds(10)
            .setSuccessThreshold(1)
            .setFailureThreshold(3)
            .setHttpGet(HTTPHealthCheckConfig.newBuilder()
                .setPath("/healthz")
                .setPort(8080)
                .setHost("127.0.0.1")
                .setScheme("HTTP")
                .addHttpHeaders(HTTPHeader.newBuilder().setName("x-probe").setValue("istio"))))
        .build();
  }

  static WorkloadGroup workloadGroupWithTcpProbe() {
    return workloadGroup().toBuilder()
        .setProbe(ReadinessProbe.newBuilder().setPeriodSeconds(2)
            .setTcpSocket(TCPHealthCheckConfig.newBuilder().setHost("127.0.0.1").setPort(5432)))
        .build();
  }
}
