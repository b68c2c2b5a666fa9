package io.nacosistio.it.nacos23;

import io.nacosistio.it.PluginContract;

import java.nio.file.Path;
import java.util.Map;

/** The plugin contract inside a real Nacos 2.3: the same drop-in jar as for Nacos 3.1. */
class PluginInNacos23Test extends PluginContract {

    @Override
    protected AutoCloseable startNacos(Path home, int httpPort, Map<String, String> properties) {
        return Nacos23Server.start(home, httpPort, properties);
    }

    @Override
    protected String deleteServicePath() {
        return "/nacos/v2/ns/service";
    }

    @Override
    protected String instancePath() {
        return "/nacos/v2/ns/instance";
    }

    @Override
    protected void createNamespace(int httpPort, String namespaceId) throws Exception {
        // Nacos 2.3's naming accepts any namespace id; namespaces are created by its console only.
    }
}
