package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.ClientTLSSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.ConnectionPoolSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule;
import io.nacosistio.proto.istio.networking.v1alpha3.LoadBalancerSettings;
import io.nacosistio.proto.istio.networking.v1alpha3.LocalityLoadBalancerSetting;
import io.nacosistio.proto.istio.networking.v1alpha3.OutlierDetection;
import io.nacosistio.proto.istio.networking.v1alpha3.Subset;
import io.nacosistio.proto.istio.networking.v1alpha3.TrafficPolicy;

import java.util.HashSet;
import java.util.Set;

/** istiod's DestinationRule validation (pilot's validateDestinationRule), ported. */
final class DestinationRuleRules {

    private DestinationRuleRules() {
    }

    static void check(DestinationRule dr, Violations v) {
        if (dr.getHost().isEmpty()) {
            v.add("spec.host", "required");
        } else {
            v.host("spec.host", dr.getHost(), false);
        }
        if (dr.hasTrafficPolicy()) {
            trafficPolicy("spec.trafficPolicy", dr.getTrafficPolicy(), true, v);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < dr.getSubsetsCount(); i++) {
            Subset subset = dr.getSubsets(i);
            String path = Violations.at("spec.subsets", i);
            if (subset.getName().isEmpty()) {
                v.add(path + ".name", "required");
            } else if (!DnsNameRules.isLowerLabel(subset.getName())) {
                v.add(path + ".name", "'" + subset.getName() + "' is not a valid subset name (a DNS-1123 label)");
            } else if (!names.add(subset.getName())) {
                v.add(path + ".name", "duplicate subset name '" + subset.getName() + "'");
            }
            v.labels(path + ".labels", subset.getLabelsMap());
            if (subset.hasTrafficPolicy()) {
                trafficPolicy(path + ".trafficPolicy", subset.getTrafficPolicy(), true, v);
            }
        }
        v.exportTo("spec.exportTo", dr.getExportToList());
        if (dr.hasWorkloadSelector()) {
            v.labels("spec.workloadSelector.matchLabels", dr.getWorkloadSelector().getMatchLabelsMap());
        }
    }

    private static void trafficPolicy(String path, TrafficPolicy policy, boolean portLevelAllowed, Violations v) {
        if (!policy.hasLoadBalancer() && !policy.hasConnectionPool() && !policy.hasOutlierDetection()
                && !policy.hasTls() && policy.getPortLevelSettingsCount() == 0 && !policy.hasTunnel()
                && !policy.hasProxyProtocol() && !policy.hasRetryBudget()) {
            v.add(path, "must have at least one field");
        }
        if (policy.hasLoadBalancer()) {
            loadBalancer(path + ".loadBalancer", policy.getLoadBalancer(), v);
        }
        if (policy.hasConnectionPool()) {
            connectionPool(path + ".connectionPool", policy.getConnectionPool(), v);
        }
        if (policy.hasOutlierDetection()) {
            outlierDetection(path + ".outlierDetection", policy.getOutlierDetection(), v);
        }
        if (policy.hasTls()) {
            tls(path + ".tls", policy.getTls(), v);
        }
        if (policy.hasTunnel()) {
            String protocol = policy.getTunnel().getProtocol();
            if (!protocol.isEmpty() && !protocol.equals("CONNECT") && !protocol.equals("POST")) {
                v.add(path + ".tunnel.protocol", "'" + protocol + "' is not CONNECT or POST");
            }
            if (policy.getTunnel().getTargetHost().isEmpty()) {
                v.add(path + ".tunnel.targetHost", "required");
            }
            v.port(path + ".tunnel.targetPort", policy.getTunnel().getTargetPort(), true);
        }
        if (!portLevelAllowed && policy.getPortLevelSettingsCount() > 0) {
            v.add(path + ".portLevelSettings", "not allowed here");
        }
        for (int i = 0; i < policy.getPortLevelSettingsCount(); i++) {
            TrafficPolicy.PortTrafficPolicy port = policy.getPortLevelSettings(i);
            String portPath = Violations.at(path + ".portLevelSettings", i);
            if (!port.hasPort()) {
                v.add(portPath + ".port", "required");
            } else {
                v.port(portPath + ".port.number", port.getPort().getNumber(), true);
            }
            if (!port.hasLoadBalancer() && !port.hasConnectionPool() && !port.hasOutlierDetection()
                    && !port.hasTls()) {
                v.add(portPath, "must have at least one of loadBalancer, connectionPool, outlierDetection or tls");
            }
            if (port.hasLoadBalancer()) {
                loadBalancer(portPath + ".loadBalancer", port.getLoadBalancer(), v);
            }
            if (port.hasConnectionPool()) {
                connectionPool(portPath + ".connectionPool", port.getConnectionPool(), v);
            }
            if (port.hasOutlierDetection()) {
                outlierDetection(portPath + ".outlierDetection", port.getOutlierDetection(), v);
            }
            if (port.hasTls()) {
                tls(portPath + ".tls", port.getTls(), v);
            }
        }
    }

    private static void loadBalancer(String path, LoadBalancerSettings lb, Violations v) {
        if (lb.hasConsistentHash()) {
            LoadBalancerSettings.ConsistentHashLB hash = lb.getConsistentHash();
            if (hash.getHashKeyCase() == LoadBalancerSettings.ConsistentHashLB.HashKeyCase.HASHKEY_NOT_SET) {
                v.add(path + ".consistentHash", "one of httpHeaderName, httpCookie, useSourceIp or "
                        + "httpQueryParameterName is required");
            }
            if (hash.hasHttpCookie()) {
                if (hash.getHttpCookie().getName().isEmpty()) {
                    v.add(path + ".consistentHash.httpCookie.name", "required");
                }
                v.notNegative(path + ".consistentHash.httpCookie.ttl", hash.getHttpCookie().getTtl());
            }
            if (hash.getMinimumRingSize() > 0 && hash.hasMaglev()) {
                v.add(path + ".consistentHash.minimumRingSize", "cannot be combined with maglev");
            }
        }
        if (lb.hasLocalityLbSetting()) {
            LocalityLoadBalancerSetting locality = lb.getLocalityLbSetting();
            if (locality.getDistributeCount() > 0 && locality.getFailoverCount() > 0) {
                v.add(path + ".localityLbSetting", "distribute and failover cannot both be set");
            }
            for (int i = 0; i < locality.getDistributeCount(); i++) {
                long sum = 0;
                for (int weight : locality.getDistribute(i).getToMap().values()) {
                    sum += Integer.toUnsignedLong(weight);
                }
                if (sum != 100) {
                    v.add(Violations.at(path + ".localityLbSetting.distribute", i) + ".to",
                            "weights must add up to 100, they add up to " + sum);
                }
                if (locality.getDistribute(i).getFrom().isEmpty()) {
                    v.add(Violations.at(path + ".localityLbSetting.distribute", i) + ".from", "required");
                }
            }
            for (int i = 0; i < locality.getFailoverCount(); i++) {
                LocalityLoadBalancerSetting.Failover f = locality.getFailover(i);
                if (f.getFrom().equals(f.getTo())) {
                    v.add(Violations.at(path + ".localityLbSetting.failover", i), "from and to must differ");
                }
                if (f.getFrom().contains("/") || f.getTo().contains("/")) {
                    v.add(Violations.at(path + ".localityLbSetting.failover", i), "from and to must be regions "
                            + "(no '/')");
                }
            }
        }
        v.notNegative(path + ".warmupDurationSecs", lb.getWarmupDurationSecs());
    }

    private static void connectionPool(String path, ConnectionPoolSettings pool, Violations v) {
        if (!pool.hasTcp() && !pool.hasHttp()) {
            v.add(path, "must have at least one of tcp or http");
        }
        if (pool.hasHttp()) {
            ConnectionPoolSettings.HTTPSettings http = pool.getHttp();
            nonNegative(path + ".http.http1MaxPendingRequests", http.getHttp1MaxPendingRequests(), v);
            nonNegative(path + ".http.http2MaxRequests", http.getHttp2MaxRequests(), v);
            nonNegative(path + ".http.maxRequestsPerConnection", http.getMaxRequestsPerConnection(), v);
            nonNegative(path + ".http.maxRetries", http.getMaxRetries(), v);
            nonNegative(path + ".http.maxConcurrentStreams", http.getMaxConcurrentStreams(), v);
            v.positiveMillis(path + ".http.idleTimeout", http.hasIdleTimeout() ? http.getIdleTimeout() : null);
        }
        if (pool.hasTcp()) {
            ConnectionPoolSettings.TCPSettings tcp = pool.getTcp();
            nonNegative(path + ".tcp.maxConnections", tcp.getMaxConnections(), v);
            v.positiveMillis(path + ".tcp.connectTimeout", tcp.hasConnectTimeout() ? tcp.getConnectTimeout() : null);
            v.positiveMillis(path + ".tcp.maxConnectionDuration",
                    tcp.hasMaxConnectionDuration() ? tcp.getMaxConnectionDuration() : null);
            if (tcp.hasTcpKeepalive()) {
                v.positiveMillis(path + ".tcp.tcpKeepalive.time", tcp.getTcpKeepalive().getTime());
                v.positiveMillis(path + ".tcp.tcpKeepalive.interval", tcp.getTcpKeepalive().getInterval());
            }
        }
    }

    private static void outlierDetection(String path, OutlierDetection od, Violations v) {
        nonNegative(path + ".consecutiveErrors", od.getConsecutiveErrors(), v);
        v.positiveMillis(path + ".interval", od.hasInterval() ? od.getInterval() : null);
        v.positiveMillis(path + ".baseEjectionTime", od.hasBaseEjectionTime() ? od.getBaseEjectionTime() : null);
        if (od.getMaxEjectionPercent() < 0 || od.getMaxEjectionPercent() > 100) {
            v.add(path + ".maxEjectionPercent", od.getMaxEjectionPercent() + " is not a percentage (0-100)");
        }
        if (od.getMinHealthPercent() < 0 || od.getMinHealthPercent() > 100) {
            v.add(path + ".minHealthPercent", od.getMinHealthPercent() + " is not a percentage (0-100)");
        }
        if (od.hasConsecutiveLocalOriginFailures() && !od.getSplitExternalLocalOriginErrors()) {
            v.add(path + ".consecutiveLocalOriginFailures", "needs splitExternalLocalOriginErrors: true");
        }
    }

    private static void tls(String path, ClientTLSSettings tls, Violations v) {
        boolean hasFiles = !tls.getClientCertificate().isEmpty() || !tls.getPrivateKey().isEmpty()
                || !tls.getCaCertificates().isEmpty();
        switch (tls.getMode()) {
            case DISABLE:
            case ISTIO_MUTUAL:
                if (hasFiles || !tls.getCredentialName().isEmpty()) {
                    v.add(path, "mode " + tls.getMode() + " takes no certificates, keys or credentialName");
                }
                break;
            case MUTUAL:
                if (tls.getCredentialName().isEmpty()) {
                    if (tls.getClientCertificate().isEmpty()) {
                        v.add(path + ".clientCertificate", "required for mode MUTUAL (or set credentialName)");
                    }
                    if (tls.getPrivateKey().isEmpty()) {
                        v.add(path + ".privateKey", "required for mode MUTUAL (or set credentialName)");
                    }
                } else if (hasFiles) {
                    v.add(path + ".credentialName", "cannot be combined with certificate files");
                }
                break;
            case SIMPLE:
                if (!tls.getCredentialName().isEmpty() && hasFiles) {
                    v.add(path + ".credentialName", "cannot be combined with certificate files");
                }
                break;
            default:
                break;
        }
    }

    private static void nonNegative(String path, int value, Violations v) {
        if (value < 0) {
            v.add(path, "must not be negative");
        }
    }
}
