package io.nacosistio.plugin.source.nacos;

/** How the caller (the Spring wiring) hands over Nacos's beans without the Nacos adapters importing Spring. */
public interface BeanLookup {

    /** The single bean of this type; throws or returns null when there is none. */
    <T> T get(Class<T> type);
}
