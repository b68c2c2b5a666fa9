package io.nacosistio.it.nacos31;

import io.nacosistio.it.ConfigCenterContract;
import io.nacosistio.it.NacosLauncher;

/** The config-center contract inside a real Nacos 3.1. */
class ConfigCenterInNacos31Test extends ConfigCenterContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }
}
