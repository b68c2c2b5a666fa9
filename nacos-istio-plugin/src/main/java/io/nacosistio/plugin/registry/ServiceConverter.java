package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.source.RegistryService;

/** Turns one registry service into a servable ServiceEntry or a rejection. Must never throw. */
public interface ServiceConverter {

    ConvertedService convert(RegistryService service);
}
