package io.nacosistio.it;

import java.nio.file.Path;
import java.util.Map;

/** Boots one Nacos version in this JVM. */
@FunctionalInterface
public interface NacosLauncher {

    /**
     * Starts Nacos standalone with embedded storage under {@code home}, HTTP on {@code httpPort} and gRPC
     * on {@code httpPort + 1000}, with {@code properties} set as Spring properties; returns once Nacos
     * serves clients.
     */
    NacosUnderTest start(Path home, int httpPort, Map<String, String> properties) throws Exception;

    /** Implemented by test classes so that {@link SharedNacosExtension} knows how to boot their Nacos. */
    interface Provider {
        NacosLauncher nacosLauncher();
    }
}
