package io.nacosistio.it.nacos31;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.PluginContract;

/** The plugin contract inside a real Nacos 3.1, booted as the quick start boots it. */
class PluginInNacos31Test extends PluginContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }
}
