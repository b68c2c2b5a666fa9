package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.security.v1beta1.AuthorizationPolicy;
import io.nacosistio.proto.istio.security.v1beta1.Condition;
import io.nacosistio.proto.istio.security.v1beta1.JWTRule;
import io.nacosistio.proto.istio.security.v1beta1.Operation;
import io.nacosistio.proto.istio.security.v1beta1.PeerAuthentication;
import io.nacosistio.proto.istio.security.v1beta1.RequestAuthentication;
import io.nacosistio.proto.istio.security.v1beta1.Rule;
import io.nacosistio.proto.istio.security.v1beta1.Source;
import io.nacosistio.proto.istio.type.v1beta1.WorkloadSelector;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

/** istiod's security validation (AuthorizationPolicy, PeerAuthentication, RequestAuthentication), ported. */
final class SecurityRules {

    private static final List<String> CONDITION_KEYS = Arrays.asList(
            "request.headers[", "source.ip", "remote.ip", "source.namespace", "source.principal",
            "source.serviceAccount", "request.auth.principal", "request.auth.audiences", "request.auth.presenter",
            "request.auth.claims[", "destination.ip", "destination.port", "connection.sni",
            "experimental.envoy.filters.");

    private SecurityRules() {
    }

    static void selector(String path, WorkloadSelector selector, Violations v) {
        v.labels(path + ".matchLabels", selector.getMatchLabelsMap());
    }

    static void authorizationPolicy(AuthorizationPolicy policy, Violations v) {
        if (policy.hasSelector() && (policy.hasTargetRef() || policy.getTargetRefsCount() > 0)) {
            v.add("spec.selector", "cannot be combined with targetRef or targetRefs");
        }
        if (policy.hasSelector()) {
            selector("spec.selector", policy.getSelector(), v);
        }
        if (policy.getAction() == AuthorizationPolicy.Action.CUSTOM) {
            if (!policy.hasProvider() || policy.getProvider().getName().isEmpty()) {
                v.add("spec.provider.name", "required for action CUSTOM");
            }
            if (policy.getRulesCount() == 0) {
                v.add("spec.rules", "action CUSTOM needs at least one rule");
            }
        } else if (policy.hasProvider()) {
            v.add("spec.provider", "allowed only with action CUSTOM");
        }
        for (int i = 0; i < policy.getRulesCount(); i++) {
            rule(Violations.at("spec.rules", i), policy.getRules(i), v);
        }
    }

    private static void rule(String path, Rule rule, Violations v) {
        for (int f = 0; f < rule.getFromCount(); f++) {
            String fromPath = Violations.at(path + ".from", f) + ".source";
            if (!rule.getFrom(f).hasSource() || rule.getFrom(f).getSource().equals(Source.getDefaultInstance())) {
                v.add(fromPath, "must not be empty");
                continue;
            }
            Source s = rule.getFrom(f).getSource();
            strings(fromPath + ".principals", s.getPrincipalsList(), v);
            strings(fromPath + ".notPrincipals", s.getNotPrincipalsList(), v);
            strings(fromPath + ".requestPrincipals", s.getRequestPrincipalsList(), v);
            strings(fromPath + ".notRequestPrincipals", s.getNotRequestPrincipalsList(), v);
            strings(fromPath + ".namespaces", s.getNamespacesList(), v);
            strings(fromPath + ".notNamespaces", s.getNotNamespacesList(), v);
            ipBlocks(fromPath + ".ipBlocks", s.getIpBlocksList(), v);
            ipBlocks(fromPath + ".notIpBlocks", s.getNotIpBlocksList(), v);
            ipBlocks(fromPath + ".remoteIpBlocks", s.getRemoteIpBlocksList(), v);
            ipBlocks(fromPath + ".notRemoteIpBlocks", s.getNotRemoteIpBlocksList(), v);
            if (s.getServiceAccountsCount() > 0 && s.getPrincipalsCount() > 0) {
                v.add(fromPath + ".serviceAccounts", "cannot be combined with principals");
            }
        }
        for (int t = 0; t < rule.getToCount(); t++) {
            String toPath = Violations.at(path + ".to", t) + ".operation";
            if (!rule.getTo(t).hasOperation()
                    || rule.getTo(t).getOperation().equals(Operation.getDefaultInstance())) {
                v.add(toPath, "must not be empty");
                continue;
            }
            Operation o = rule.getTo(t).getOperation();
            strings(toPath + ".hosts", o.getHostsList(), v);
            strings(toPath + ".methods", o.getMethodsList(), v);
            ports(toPath + ".ports", o.getPortsList(), v);
            ports(toPath + ".notPorts", o.getNotPortsList(), v);
            paths(toPath + ".paths", o.getPathsList(), v);
            paths(toPath + ".notPaths", o.getNotPathsList(), v);
        }
        for (int c = 0; c < rule.getWhenCount(); c++) {
            condition(Violations.at(path + ".when", c), rule.getWhen(c), v);
        }
    }

    private static void condition(String path, Condition condition, Violations v) {
        String key = condition.getKey();
        if (key.isEmpty()) {
            v.add(path + ".key", "required");
        } else {
            boolean known = false;
            for (String prefix : CONDITION_KEYS) {
                if (prefix.endsWith("[") ? key.startsWith(prefix) && key.endsWith("]") && key.length() > prefix.length() + 1
                        : prefix.endsWith(".") ? key.startsWith(prefix) : key.equals(prefix)) {
                    known = true;
                    break;
                }
            }
            if (!known) {
                v.add(path + ".key", "'" + key + "' is not a supported condition key (e.g. request.headers[x-user], "
                        + "source.ip, request.auth.claims[iss], destination.port)");
            }
        }
        if (condition.getValuesCount() == 0 && condition.getNotValuesCount() == 0) {
            v.add(path, "values or notValues is required");
        }
        if (key.equals("source.ip") || key.equals("remote.ip") || key.equals("destination.ip")) {
            ipBlocks(path + ".values", condition.getValuesList(), v);
            ipBlocks(path + ".notValues", condition.getNotValuesList(), v);
        }
        if (key.equals("destination.port")) {
            ports(path + ".values", condition.getValuesList(), v);
            ports(path + ".notValues", condition.getNotValuesList(), v);
        }
    }

    private static void strings(String path, List<String> values, Violations v) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value.isEmpty()) {
                v.add(Violations.at(path, i), "empty value");
            } else if (value.indexOf('*', 1) >= 0 && value.indexOf('*') != value.length() - 1) {
                v.add(Violations.at(path, i), "'" + value + "': '*' is allowed only as a prefix or suffix");
            }
        }
    }

    private static void ipBlocks(String path, List<String> values, Violations v) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            int slash = value.indexOf('/');
            String ip = slash < 0 ? value : value.substring(0, slash);
            boolean ok = IpLiterals.isIp(ip);
            if (ok && slash >= 0) {
                String bits = value.substring(slash + 1);
                int max = ip.contains(":") ? 128 : 32;
                ok = bits.matches("\\d{1,3}") && Integer.parseInt(bits) <= max;
            }
            if (!ok) {
                v.add(Violations.at(path, i), "'" + value + "' is not an IP address or CIDR block");
            }
        }
    }

    private static void ports(String path, List<String> values, Violations v) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (!value.matches("\\d{1,5}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
                v.add(Violations.at(path, i), "'" + value + "' is not a port number (1-65535)");
            }
        }
    }

    private static void paths(String path, List<String> values, Violations v) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value.isEmpty()) {
                v.add(Violations.at(path, i), "empty value");
            } else if (value.contains("{") || value.contains("}")) {
                if (!value.startsWith("/")) {
                    v.add(Violations.at(path, i), "a path template must start with '/'");
                }
            }
        }
    }

    static void peerAuthentication(PeerAuthentication pa, Violations v) {
        if (pa.hasSelector()) {
            selector("spec.selector", pa.getSelector(), v);
        }
        if (pa.getPortLevelMtlsCount() > 0 && (!pa.hasSelector() || pa.getSelector().getMatchLabelsCount() == 0)) {
            v.add("spec.portLevelMtls", "needs a workload selector (spec.selector.matchLabels)");
        }
        for (Integer port : pa.getPortLevelMtlsMap().keySet()) {
            v.port("spec.portLevelMtls['" + Integer.toUnsignedString(port) + "']", Integer.toUnsignedLong(port), true);
        }
    }

    static void requestAuthentication(RequestAuthentication ra, Violations v) {
        if (ra.hasSelector() && (ra.hasTargetRef() || ra.getTargetRefsCount() > 0)) {
            v.add("spec.selector", "cannot be combined with targetRef or targetRefs");
        }
        if (ra.hasSelector()) {
            selector("spec.selector", ra.getSelector(), v);
        }
        for (int i = 0; i < ra.getJwtRulesCount(); i++) {
            JWTRule rule = ra.getJwtRules(i);
            String path = Violations.at("spec.jwtRules", i);
            if (rule.getIssuer().isEmpty()) {
                v.add(path + ".issuer", "required");
            }
            if (!rule.getJwksUri().isEmpty()) {
                try {
                    URI uri = new URI(rule.getJwksUri());
                    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                        v.add(path + ".jwksUri", "'" + rule.getJwksUri() + "' is not an http(s) URL with a host");
                    }
                } catch (java.net.URISyntaxException e) {
                    v.add(path + ".jwksUri", "'" + rule.getJwksUri() + "' is not a URL: " + e.getReason());
                }
            }
            for (int h = 0; h < rule.getFromHeadersCount(); h++) {
                if (rule.getFromHeaders(h).getName().isEmpty()) {
                    v.add(Violations.at(path + ".fromHeaders", h) + ".name", "required");
                }
            }
            for (int c = 0; c < rule.getOutputClaimToHeadersCount(); c++) {
                if (rule.getOutputClaimToHeaders(c).getHeader().isEmpty()) {
                    v.add(Violations.at(path + ".outputClaimToHeaders", c) + ".header", "required");
                }
                if (rule.getOutputClaimToHeaders(c).getClaim().isEmpty()) {
                    v.add(Violations.at(path + ".outputClaimToHeaders", c) + ".claim", "required");
                }
            }
            v.notNegative(path + ".timeout", rule.hasTimeout() ? rule.getTimeout() : null);
        }
    }
}
