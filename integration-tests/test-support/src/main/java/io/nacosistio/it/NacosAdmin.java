package io.nacosistio.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an operator does through Nacos's naming admin API (console or scripts), over plain HTTP: edit a
 * service's metadata and protect threshold, override an instance's weight, state and metadata, delete a
 * service. Nacos 2.3 and 3.1 take the same form parameters under different paths.
 */
public final class NacosAdmin {

    private final HttpClient http = HttpClient.newHttpClient();
    private final NacosUnderTest nacos;

    public NacosAdmin(NacosUnderTest nacos) {
        this.nacos = nacos;
    }

    /** Replaces the service's protect threshold and metadata. */
    public void updateService(String namespace, String group, String service, float protectThreshold,
            String metadataJson) throws IOException, InterruptedException {
        Map<String, String> form = serviceForm(namespace, group, service);
        form.put("protectThreshold", Float.toString(protectThreshold));
        form.put("metadata", metadataJson);
        expectOk(send("PUT", "/service", form));
    }

    /** Deletes a service that has no instances. */
    public HttpResponse<String> deleteService(String namespace, String group, String service)
            throws IOException, InterruptedException {
        return send("DELETE", "/service", serviceForm(namespace, group, service));
    }

    /** Sets the instance metadata Nacos lays over what the instance's client published. */
    public void updateInstance(String namespace, String group, String service, String ip, int port,
            double weight, boolean enabled, String metadataJson) throws IOException, InterruptedException {
        Map<String, String> form = serviceForm(namespace, group, service);
        form.put("ip", ip);
        form.put("port", Integer.toString(port));
        form.put("clusterName", "DEFAULT");
        form.put("weight", Double.toString(weight));
        form.put("enabled", Boolean.toString(enabled));
        form.put("ephemeral", "true");
        form.put("metadata", metadataJson);
        expectOk(send("PUT", "/instance", form));
    }

    private static Map<String, String> serviceForm(String namespace, String group, String service) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("namespaceId", namespace);
        form.put("groupName", group);
        form.put("serviceName", service);
        return form;
    }

    private HttpResponse<String> send(String method, String resource, Map<String, String> form)
            throws IOException, InterruptedException {
        String query = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = URI.create("http://127.0.0.1:" + nacos.httpPort() + nacos.namingAdminPath() + resource + "?" + query);
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expectOk(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }
}
