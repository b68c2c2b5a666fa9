package io.nacosistio.plugin.cache;

/** Where a source hands its latest complete set of one kind. */
public interface SetPublisher {

    void publish(ResourceSet set);
}
