package io.nacosistio.it;

/**
 * A real Nacos server running in this JVM with the drop-in jar on its class path, whatever its version:
 * what the shared integration tests need to drive it. A Nacos started only to be reached over the network (a
 * benchmark's cluster member) offers its version, port and stop alone; the other operations then refuse.
 */
public interface NacosUnderTest extends AutoCloseable {

    /** Nacos's version, for test output, e.g. {@code 3.1}. */
    String version();

    /** Nacos's HTTP port; its gRPC port is this plus 1000, as in every Nacos. */
    int httpPort();

    default int grpcPort() {
        return httpPort() + 1000;
    }

    /**
     * The prefix of this version's naming admin API, under which {@code /service} and {@code /instance}
     * take the same form parameters in Nacos 2.3 and 3.1, e.g. {@code /nacos/v3/admin/ns}.
     */
    default String namingAdminPath() {
        throw new UnsupportedOperationException("not offered by " + getClass().getName());
    }

    /**
     * Makes sure a namespace exists before clients register into it: Nacos 3 keeps a namespace registry
     * (admin API); Nacos 2.3's naming takes any namespace id.
     */
    default void createNamespace(String namespaceId) throws Exception {
        throw new UnsupportedOperationException("not offered by " + getClass().getName());
    }

    /**
     * Publishes a config in the default namespace with tags, through this version's admin API (the
     * Java config client cannot set tags).
     */
    default void publishTaggedConfig(String group, String dataId, String content, String tags) throws Exception {
        throw new UnsupportedOperationException("not offered by " + getClass().getName());
    }

    /** A bean of Nacos's own Spring context (or its parent), as the plugin finds it. */
    default <T> T bean(Class<T> type) {
        throw new UnsupportedOperationException("not offered by " + getClass().getName());
    }

    /** Stops Nacos. */
    @Override
    void close();
}
