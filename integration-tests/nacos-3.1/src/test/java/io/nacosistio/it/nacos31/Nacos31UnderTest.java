package io.nacosistio.it.nacos31;

import io.nacosistio.it.NacosUnderTest;
import io.nacosistio.quickstart.Nacos31Server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/** Nacos 3.1 booted exactly as the quick start boots it. */
final class Nacos31UnderTest implements NacosUnderTest {

    private final Nacos31Server server;

    private Nacos31UnderTest(Nacos31Server server) {
        this.server = server;
    }

    static NacosUnderTest start(Path home, int httpPort, Map<String, String> properties) throws Exception {
        // The caller owns the home and deletes it: a Nacos stopped and started again in a JVM of its own, alone or
        // as a cluster member, must find its data (embedded storage, JRaft log, cluster.conf) where it left it.
        return new Nacos31UnderTest(Nacos31Server.start(home, false, httpPort, properties));
    }

    @Override
    public String version() {
        return "3.1";
    }

    @Override
    public int httpPort() {
        return server.httpPort();
    }

    @Override
    public String namingAdminPath() {
        return "/nacos/v3/admin/ns";
    }

    @Override
    public void createNamespace(String namespaceId) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + httpPort() + "/nacos/v3/admin/core/namespace?namespaceId=" + namespaceId
                        + "&namespaceName=" + namespaceId)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException("creating namespace " + namespaceId + " failed: " + created.body());
        }
    }

    @Override
    public void publishTaggedConfig(String group, String dataId, String content, String tags) throws Exception {
        java.util.List<String> form = java.util.List.of("dataId", dataId, "groupName", group, "namespaceId", "public", "content", content, "configTags", tags);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.size(); i += 2) {
            body.append(i == 0 ? "" : "&").append(form.get(i)).append('=')
                    .append(java.net.URLEncoder.encode(form.get(i + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        java.net.http.HttpResponse<String> published = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort() + "/nacos/v3/admin/cs/config"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (published.statusCode() != 200) {
            throw new IllegalStateException("publishing config " + dataId + " failed: " + published.body());
        }
    }

    @Override
    public <T> T bean(Class<T> type) {
        return server.coreContext().getBean(type);
    }

    @Override
    public void close() {
        server.close();
    }
}
