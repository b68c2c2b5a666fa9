package io.nacosistio.it.nacos31;

import io.nacosistio.it.PluginContract;
import io.nacosistio.quickstart.Nacos31Server;

import java.nio.file.Path;
import java.util.Map;

/** The plugin contract inside a real Nacos 3.1, booted as the quick start boots it. */
class PluginInNacos31Test extends PluginContract {

    @Override
    protected AutoCloseable startNacos(Path home, int httpPort, Map<String, String> properties) throws Exception {
        return Nacos31Server.start(home, true, httpPort, properties);
    }

    @Override
    protected String deleteServicePath() {
        return "/nacos/v3/admin/ns/service";
    }

    @Override
    protected String instancePath() {
        return "/nacos/v3/admin/ns/instance";
    }

    @Override
    protected void createNamespace(int httpPort, String namespaceId) throws Exception {
        java.net.http.HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort
                        + "/nacos/v3/admin/core/namespace?namespaceId=" + namespaceId + "&namespaceName=" + namespaceId))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException("creating namespace " + namespaceId + " failed: " + created.body());
        }
    }
}
