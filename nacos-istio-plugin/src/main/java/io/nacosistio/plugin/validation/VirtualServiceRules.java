package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.CorsPolicy;
import io.nacosistio.proto.istio.networking.v1alpha3.Destination;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPFaultInjection;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPMatchRequest;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRetry;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRouteDestination;
import io.nacosistio.proto.istio.networking.v1alpha3.RouteDestination;
import io.nacosistio.proto.istio.networking.v1alpha3.StringMatch;
import io.nacosistio.proto.istio.networking.v1alpha3.TLSMatchAttributes;
import io.nacosistio.proto.istio.networking.v1alpha3.TLSRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.TCPRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** istiod's VirtualService validation (pilot's validateVirtualService), ported. */
final class VirtualServiceRules {

    private static final Set<String> RETRY_ON = new HashSet<>(Arrays.asList(
            "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited",
            "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "cancelled",
            "deadline-exceeded", "internal", "resource-exhausted", "unavailable", "http3-post-connect-failure"));
    private static final Set<Integer> REDIRECT_CODES = new HashSet<>(Arrays.asList(0, 301, 302, 303, 307, 308));
    private static final Set<String> HTTP_METHODS = new HashSet<>(Arrays.asList(
            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*"));
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z:]+");

    private VirtualServiceRules() {
    }

    static void check(VirtualService vs, Violations v) {
        boolean delegate = vs.getHostsCount() == 0;
        if (delegate && vs.getGatewaysCount() > 0) {
            v.add("spec.gateways", "a delegate VirtualService (one without hosts) cannot have gateways");
        }
        boolean boundToMesh = vs.getGatewaysCount() == 0 || vs.getGatewaysList().contains("mesh");
        for (int i = 0; i < vs.getHostsCount(); i++) {
            String host = vs.getHosts(i);
            if ("*".equals(host) && boundToMesh) {
                v.add(Violations.at("spec.hosts", i), "'*' is not allowed for a VirtualService bound to the mesh "
                        + "gateway");
                continue;
            }
            v.host(Violations.at("spec.hosts", i), host, true);
        }
        gateways("spec.gateways", vs.getGatewaysList(), v);
        if (vs.getHttpCount() == 0 && vs.getTlsCount() == 0 && vs.getTcpCount() == 0) {
            v.add("spec", "at least one of http, tls or tcp routes is required");
        }
        for (int i = 0; i < vs.getHttpCount(); i++) {
            httpRoute(Violations.at("spec.http", i), vs.getHttp(i), delegate, v);
        }
        for (int i = 0; i < vs.getTlsCount(); i++) {
            tlsRoute(Violations.at("spec.tls", i), vs.getTls(i), vs.getHostsList(), v);
        }
        for (int i = 0; i < vs.getTcpCount(); i++) {
            TCPRoute tcp = vs.getTcp(i);
            String path = Violations.at("spec.tcp", i);
            for (int m = 0; m < tcp.getMatchCount(); m++) {
                v.port(Violations.at(path + ".match", m) + ".port", tcp.getMatch(m).getPort(), false);
                v.labels(Violations.at(path + ".match", m) + ".sourceLabels", tcp.getMatch(m).getSourceLabelsMap());
                gateways(Violations.at(path + ".match", m) + ".gateways", tcp.getMatch(m).getGatewaysList(), v);
            }
            routeDestinations(path + ".route", tcp.getRouteList(), v);
        }
        v.exportTo("spec.exportTo", vs.getExportToList());
    }

    private static void gateways(String path, List<String> gateways, Violations v) {
        for (int i = 0; i < gateways.size(); i++) {
            String gateway = gateways.get(i);
            if (gateway.equals("mesh")) {
                continue;
            }
            String name = gateway.contains("/") ? gateway.substring(gateway.indexOf('/') + 1) : gateway;
            String ns = gateway.contains("/") ? gateway.substring(0, gateway.indexOf('/')) : null;
            if (ns != null && !DnsNameRules.isLowerLabel(ns)) {
                v.add(Violations.at(path, i), "'" + gateway + "': '" + ns + "' is not a namespace name");
            }
            if (!DnsNameRules.isLowerSubdomain(name)
                    && ServiceEntryValidator.hostError(name) != null) {
                v.add(Violations.at(path, i), "'" + gateway + "' is not mesh, a gateway name or namespace/name");
            }
        }
    }

    private static void httpRoute(String path, HTTPRoute http, boolean inDelegate, Violations v) {
        int actions = (http.getRouteCount() > 0 ? 1 : 0) + (http.hasRedirect() ? 1 : 0)
                + (http.hasDirectResponse() ? 1 : 0) + (http.hasDelegate() ? 1 : 0);
        if (actions == 0) {
            v.add(path, "one of route, redirect, directResponse or delegate is required");
        } else if (actions > 1) {
            v.add(path, "only one of route, redirect, directResponse or delegate may be given");
        }
        if (http.hasDelegate() && inDelegate) {
            v.add(path + ".delegate", "a delegate VirtualService cannot delegate again");
        }
        if (http.hasRewrite() && http.hasRedirect()) {
            v.add(path + ".rewrite", "cannot be combined with redirect");
        }
        if (http.hasRewrite() && !http.getRewrite().getUri().isEmpty() && http.getRewrite().hasUriRegexRewrite()) {
            v.add(path + ".rewrite", "uri and uriRegexRewrite cannot both be set");
        }
        if (http.hasRewrite() && http.getRewrite().hasUriRegexRewrite()) {
            regex(path + ".rewrite.uriRegexRewrite.match", http.getRewrite().getUriRegexRewrite().getMatch(), v);
        }
        for (int m = 0; m < http.getMatchCount(); m++) {
            match(Violations.at(path + ".match", m), http.getMatch(m), v);
        }
        httpDestinations(path + ".route", http.getRouteList(), v);
        if (http.hasRedirect()) {
            int code = http.getRedirect().getRedirectCode();
            if (!REDIRECT_CODES.contains(code)) {
                v.add(path + ".redirect.redirectCode", code + " is not a redirect code (301, 302, 303, 307 or 308)");
            }
            if (http.getRedirect().getUri().isEmpty() && http.getRedirect().getAuthority().isEmpty()
                    && http.getRedirect().getScheme().isEmpty() && http.getRedirect().getPort() == 0
                    && http.getRedirect().getPrefixRewrite().isEmpty() && !http.getRedirect().hasDerivePort()) {
                v.add(path + ".redirect", "must change at least one of uri, authority, scheme, port or prefix");
            }
        }
        if (http.hasDirectResponse()) {
            int status = http.getDirectResponse().getStatus();
            if (status < 200 || status > 599) {
                v.add(path + ".directResponse.status", status + " is not an HTTP status (200-599)");
            }
        }
        if (http.hasDelegate() && http.getDelegate().getName().isEmpty()) {
            v.add(path + ".delegate.name", "required");
        }
        v.notNegative(path + ".timeout", http.hasTimeout() ? http.getTimeout() : null);
        if (http.hasRetries()) {
            retries(path + ".retries", http.getRetries(), v);
        }
        if (http.hasFault()) {
            fault(path + ".fault", http.getFault(), v);
        }
        if (http.hasMirror()) {
            destination(path + ".mirror", http.getMirror(), v);
            if (http.getMirrorsCount() > 0) {
                v.add(path + ".mirrors", "cannot be combined with mirror");
            }
        }
        for (int i = 0; i < http.getMirrorsCount(); i++) {
            destination(Violations.at(path + ".mirrors", i) + ".destination", http.getMirrors(i).getDestination(), v);
            if (http.getMirrors(i).hasPercentage()) {
                v.percent(Violations.at(path + ".mirrors", i) + ".percentage.value",
                        http.getMirrors(i).getPercentage().getValue());
            }
        }
        if (http.hasMirrorPercentage()) {
            v.percent(path + ".mirrorPercentage.value", http.getMirrorPercentage().getValue());
        }
        if (http.hasMirrorPercent() && http.getMirrorPercent().getValue() > 100) {
            v.add(path + ".mirrorPercent", http.getMirrorPercent().getValue() + " is not a percentage (0-100)");
        }
        if (http.hasCorsPolicy()) {
            cors(path + ".corsPolicy", http.getCorsPolicy(), v);
        }
        if (http.hasHeaders()) {
            headerOps(path + ".headers.request", http.getHeaders().getRequest(), v);
            headerOps(path + ".headers.response", http.getHeaders().getResponse(), v);
        }
    }

    private static void match(String path, HTTPMatchRequest match, Violations v) {
        stringMatch(path + ".uri", match.hasUri() ? match.getUri() : null, v);
        stringMatch(path + ".scheme", match.hasScheme() ? match.getScheme() : null, v);
        stringMatch(path + ".method", match.hasMethod() ? match.getMethod() : null, v);
        stringMatch(path + ".authority", match.hasAuthority() ? match.getAuthority() : null, v);
        headerMatches(path + ".headers", match.getHeadersMap(), v);
        headerMatches(path + ".withoutHeaders", match.getWithoutHeadersMap(), v);
        for (Map.Entry<String, StringMatch> q : match.getQueryParamsMap().entrySet()) {
            stringMatch(path + ".queryParams['" + q.getKey() + "']", q.getValue(), v);
        }
        v.port(path + ".port", match.getPort(), false);
        v.labels(path + ".sourceLabels", match.getSourceLabelsMap());
        gateways(path + ".gateways", match.getGatewaysList(), v);
    }

    private static void headerMatches(String path, Map<String, StringMatch> headers, Violations v) {
        for (Map.Entry<String, StringMatch> h : headers.entrySet()) {
            String headerPath = path + "['" + h.getKey() + "']";
            if (!HEADER_NAME.matcher(h.getKey()).matches()) {
                v.add(headerPath, "'" + h.getKey() + "' is not a valid header name");
            } else if (!h.getKey().equals(h.getKey().toLowerCase(Locale.ROOT))) {
                v.add(headerPath, "header names must be lowercase");
            }
            if (h.getValue().getMatchTypeCase() != StringMatch.MatchTypeCase.MATCHTYPE_NOT_SET) {
                stringMatch(headerPath, h.getValue(), v);
            }
        }
    }

    private static void stringMatch(String path, StringMatch match, Violations v) {
        if (match == null) {
            return;
        }
        switch (match.getMatchTypeCase()) {
            case MATCHTYPE_NOT_SET:
                v.add(path, "one of exact, prefix or regex is required");
                break;
            case REGEX:
                regex(path + ".regex", match.getRegex(), v);
                break;
            default:
                break;
        }
    }

    private static void regex(String path, String regex, Violations v) {
        if (regex.isEmpty()) {
            v.add(path, "an empty regex matches nothing; remove the field or give a pattern");
            return;
        }
        String error = Re2Regexes.error(regex);
        if (error != null) {
            v.add(path, error);
        }
    }

    private static void httpDestinations(String path, List<HTTPRouteDestination> routes, Violations v) {
        for (int i = 0; i < routes.size(); i++) {
            HTTPRouteDestination route = routes.get(i);
            String routePath = Violations.at(path, i);
            if (!route.hasDestination()) {
                v.add(routePath + ".destination", "required");
            } else {
                destination(routePath + ".destination", route.getDestination(), v);
            }
            if (route.getWeight() < 0) {
                v.add(routePath + ".weight", "must not be negative");
            }
            if (route.hasHeaders()) {
                headerOps(routePath + ".headers.request", route.getHeaders().getRequest(), v);
                headerOps(routePath + ".headers.response", route.getHeaders().getResponse(), v);
            }
        }
        weights(path, routes.size(), sumHttpWeights(routes), v);
    }

    private static long sumHttpWeights(List<HTTPRouteDestination> routes) {
        long sum = 0;
        for (HTTPRouteDestination r : routes) {
            sum += Math.max(0, r.getWeight());
        }
        return sum;
    }

    private static void routeDestinations(String path, List<RouteDestination> routes, Violations v) {
        if (routes.isEmpty()) {
            v.add(path, "at least one route destination is required");
        }
        long sum = 0;
        for (int i = 0; i < routes.size(); i++) {
            RouteDestination route = routes.get(i);
            if (!route.hasDestination()) {
                v.add(Violations.at(path, i) + ".destination", "required");
            } else {
                destination(Violations.at(path, i) + ".destination", route.getDestination(), v);
            }
            if (route.getWeight() < 0) {
                v.add(Violations.at(path, i) + ".weight", "must not be negative");
            }
            sum += Math.max(0, route.getWeight());
        }
        weights(path, routes.size(), sum, v);
    }

    private static void weights(String path, int count, long sum, Violations v) {
        if (count > 1 && sum == 0) {
            v.add(path, "the weights of several destinations must not all be 0");
        }
        if (sum > Integer.MAX_VALUE) {
            v.add(path, "the sum of weights is too large");
        }
    }

    private static void destination(String path, Destination d, Violations v) {
        if (d.getHost().isEmpty()) {
            v.add(path + ".host", "required");
        } else {
            v.host(path + ".host", d.getHost(), false);
            if (d.getHost().startsWith("*")) {
                v.add(path + ".host", "a destination cannot be a wildcard host");
            }
        }
        if (!d.getSubset().isEmpty() && !DnsNameRules.isLowerLabel(d.getSubset())) {
            v.add(path + ".subset", "'" + d.getSubset() + "' is not a valid subset name");
        }
        if (d.hasPort()) {
            v.port(path + ".port.number", d.getPort().getNumber(), true);
        }
    }

    private static void retries(String path, HTTPRetry retry, Violations v) {
        if (retry.getAttempts() < 0) {
            v.add(path + ".attempts", "must not be negative");
        }
        v.positiveMillis(path + ".perTryTimeout", retry.hasPerTryTimeout() ? retry.getPerTryTimeout() : null);
        v.positiveMillis(path + ".backoff", retry.hasBackoff() ? retry.getBackoff() : null);
        if (!retry.getRetryOn().isEmpty()) {
            for (String policy : retry.getRetryOn().split(",", -1)) {
                String p = policy.trim();
                if (!RETRY_ON.contains(p) && !p.matches("[1-5][0-9][0-9]")) {
                    v.add(path + ".retryOn", "'" + p + "' is not a retry policy (e.g. 5xx, gateway-error, reset, "
                            + "connect-failure, retriable-4xx, refused-stream, or a status code)");
                }
            }
        }
    }

    private static void fault(String path, HTTPFaultInjection fault, Violations v) {
        if (!fault.hasDelay() && !fault.hasAbort()) {
            v.add(path, "one of delay or abort is required");
        }
        if (fault.hasDelay()) {
            HTTPFaultInjection.Delay delay = fault.getDelay();
            if (delay.hasPercentage()) {
                v.percent(path + ".delay.percentage.value", delay.getPercentage().getValue());
            }
            if (delay.getPercent() < 0 || delay.getPercent() > 100) {
                v.add(path + ".delay.percent", delay.getPercent() + " is not a percentage (0-100)");
            }
            switch (delay.getHttpDelayTypeCase()) {
                case FIXED_DELAY:
                    v.positiveMillis(path + ".delay.fixedDelay", delay.getFixedDelay());
                    break;
                case EXPONENTIAL_DELAY:
                    v.add(path + ".delay.exponentialDelay", "not supported by istiod; use fixedDelay");
                    break;
                default:
                    v.add(path + ".delay.fixedDelay", "required");
            }
        }
        if (fault.hasAbort()) {
            HTTPFaultInjection.Abort abort = fault.getAbort();
            if (abort.hasPercentage()) {
                v.percent(path + ".abort.percentage.value", abort.getPercentage().getValue());
            }
            switch (abort.getErrorTypeCase()) {
                case HTTP_STATUS:
                    if (abort.getHttpStatus() < 200 || abort.getHttpStatus() > 599) {
                        v.add(path + ".abort.httpStatus", abort.getHttpStatus() + " is not an HTTP status (200-599)");
                    }
                    break;
                case ERRORTYPE_NOT_SET:
                    v.add(path + ".abort", "one of httpStatus, grpcStatus or http2Error is required");
                    break;
                default:
                    break;
            }
        }
    }

    private static void cors(String path, CorsPolicy cors, Violations v) {
        for (int i = 0; i < cors.getAllowOriginsCount(); i++) {
            stringMatch(Violations.at(path + ".allowOrigins", i), cors.getAllowOrigins(i), v);
        }
        for (int i = 0; i < cors.getAllowMethodsCount(); i++) {
            if (!HTTP_METHODS.contains(cors.getAllowMethods(i))) {
                v.add(Violations.at(path + ".allowMethods", i), "'" + cors.getAllowMethods(i)
                        + "' is not an HTTP method");
            }
        }
        for (int i = 0; i < cors.getAllowHeadersCount(); i++) {
            headerName(Violations.at(path + ".allowHeaders", i), cors.getAllowHeaders(i), v);
        }
        for (int i = 0; i < cors.getExposeHeadersCount(); i++) {
            headerName(Violations.at(path + ".exposeHeaders", i), cors.getExposeHeaders(i), v);
        }
        if (cors.hasMaxAge()) {
            v.notNegative(path + ".maxAge", cors.getMaxAge());
            if (cors.getMaxAge().getNanos() != 0) {
                v.add(path + ".maxAge", "only whole seconds are supported");
            }
        }
    }

    private static void headerOps(String path,
            io.nacosistio.proto.istio.networking.v1alpha3.Headers.HeaderOperations ops, Violations v) {
        for (String name : ops.getSetMap().keySet()) {
            headerName(path + ".set['" + name + "']", name, v);
        }
        for (String name : ops.getAddMap().keySet()) {
            headerName(path + ".add['" + name + "']", name, v);
        }
        for (int i = 0; i < ops.getRemoveCount(); i++) {
            headerName(Violations.at(path + ".remove", i), ops.getRemove(i), v);
        }
    }

    private static void headerName(String path, String name, Violations v) {
        if (name.isEmpty() || !HEADER_NAME.matcher(name).matches()) {
            v.add(path, "'" + name + "' is not a valid header name");
        }
    }

    private static void tlsRoute(String path, TLSRoute tls, List<String> hosts, Violations v) {
        if (tls.getMatchCount() == 0) {
            v.add(path + ".match", "a TLS route needs at least one match with sniHosts");
        }
        for (int m = 0; m < tls.getMatchCount(); m++) {
            TLSMatchAttributes match = tls.getMatch(m);
            String matchPath = Violations.at(path + ".match", m);
            if (match.getSniHostsCount() == 0) {
                v.add(matchPath + ".sniHosts", "at least one SNI host is required");
            }
            for (int s = 0; s < match.getSniHostsCount(); s++) {
                String sni = match.getSniHosts(s);
                v.host(Violations.at(matchPath + ".sniHosts", s), sni, true);
                if (!hosts.isEmpty() && !coveredByAny(sni, hosts)) {
                    v.add(Violations.at(matchPath + ".sniHosts", s), "'" + sni
                            + "' is not covered by any host of the VirtualService");
                }
            }
            v.port(matchPath + ".port", match.getPort(), false);
            v.labels(matchPath + ".sourceLabels", match.getSourceLabelsMap());
            gateways(matchPath + ".gateways", match.getGatewaysList(), v);
        }
        routeDestinations(path + ".route", tls.getRouteList(), v);
    }

    /** True when {@code sni} equals or falls under one of the (wildcard) hosts. */
    private static boolean coveredByAny(String sni, List<String> hosts) {
        for (String host : hosts) {
            if (host.equals("*") || host.equalsIgnoreCase(sni)) {
                return true;
            }
            if (host.startsWith("*") && sni.toLowerCase(Locale.ROOT).endsWith(host.substring(1).toLowerCase(Locale.ROOT))) {
                return true;
            }
            if (sni.startsWith("*") && host.toLowerCase(Locale.ROOT).endsWith(sni.substring(1).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
