package io.nacosistio.it.nacos31;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.RealIstiodContract;

/** A real istiod against the plugin inside Nacos 3.1 (the istiod build chosen by -Distiod.version). */
class RealIstiodInNacos31Test extends RealIstiodContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }
}
