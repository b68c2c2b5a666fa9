package io.nacosistio.it.nacos23;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.NamingSourceContract;

/** The naming source against Nacos 2.3's naming core, driven by the Nacos 2.3 Java client. */
class NamingSourceInNacos23Test extends NamingSourceContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos23Server::start;
    }
}
