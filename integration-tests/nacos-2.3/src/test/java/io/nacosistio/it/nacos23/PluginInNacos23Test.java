package io.nacosistio.it.nacos23;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.PluginContract;

/** The plugin contract inside a real Nacos 2.3: the same drop-in jar as for Nacos 3.1. */
class PluginInNacos23Test extends PluginContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos23Server::start;
    }
}
