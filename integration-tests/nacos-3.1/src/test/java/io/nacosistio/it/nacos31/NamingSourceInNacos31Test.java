package io.nacosistio.it.nacos31;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.NamingSourceContract;

/** The naming source against Nacos 3.1's naming core, driven by the Nacos 3.1 Java client. */
class NamingSourceInNacos31Test extends NamingSourceContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }
}
