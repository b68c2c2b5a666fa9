package io.nacosistio.plugin.index;

import io.nacosistio.plugin.source.RegistryService;

/** Turns one registry service into a servable ServiceEntry or a rejection. Must never throw. */
public interface ServiceConverter {

    ConvertedService convert(RegistryService service);
}
