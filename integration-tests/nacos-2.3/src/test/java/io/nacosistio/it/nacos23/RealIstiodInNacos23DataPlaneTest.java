package io.nacosistio.it.nacos23;

import io.nacosistio.it.DataPlaneContract;
import io.nacosistio.it.NacosLauncher;

/** What a sidecar and a proxyless gRPC client get from a real istiod fed by the plugin inside Nacos 2.3. */
class RealIstiodInNacos23DataPlaneTest extends DataPlaneContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos23Server::start;
    }
}
