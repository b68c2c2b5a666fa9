package io.nacosistio.it.nacos31;

import io.nacosistio.it.DataPlaneContract;
import io.nacosistio.it.NacosLauncher;

/** What a sidecar and a proxyless gRPC client get from a real istiod fed by the plugin inside Nacos 3.1. */
class RealIstiodInNacos31DataPlaneTest extends DataPlaneContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }
}
