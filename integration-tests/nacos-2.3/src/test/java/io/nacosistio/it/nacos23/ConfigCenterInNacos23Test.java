package io.nacosistio.it.nacos23;

import io.nacosistio.it.ConfigCenterContract;
import io.nacosistio.it.NacosLauncher;

/** The config-center contract inside a real Nacos 2.3. */
class ConfigCenterInNacos23Test extends ConfigCenterContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos23Server::start;
    }
}
