package io.nacosistio.it.nacos23;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.RealIstiodContract;

/** A real istiod against the plugin inside Nacos 2.3 (the istiod build chosen by -Distiod.version). */
class RealIstiodInNacos23Test extends RealIstiodContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos23Server::start;
    }
}
