package io.nacosistio.it.nacos31;

import io.nacosistio.it.NacosUnderTest;
import io.nacosistio.quickstart.Nacos31Server;

import java.nio.file.Path;
import java.util.Map;

/** Nacos 3.1 booted exactly as the quick start boots it. */
final class Nacos31UnderTest implements NacosUnderTest {

    private final Nacos31Server server;

    private Nacos31UnderTest(Nacos31Server server) {
        this.server = server;
    }

    static NacosUnderTest start(Path home, int httpPort, Map<String, String> properties) throws Exception {
        return new Nacos31UnderTest(Nacos31Server.start(home, true, httpPort, properties));
    }

    @Override
    public String version() {
        return "3.1";
    }

    @Override
    public int httpPort() {
        return server.httpPort();
    }

    @Override
    public String namingAdminPath() {
        return "/nacos/v3/admin/ns";
    }

    @Override
    public <T> T bean(Class<T> type) {
        return server.coreContext().getBean(type);
    }

    @Override
    public void close() {
        server.close();
    }
}
