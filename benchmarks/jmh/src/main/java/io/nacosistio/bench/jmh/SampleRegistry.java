package io.nacosistio.bench.jmh;

import io.nacosistio.plugin.convert.MappingOptions;
import io.nacosistio.plugin.convert.MappingResult;
import io.nacosistio.plugin.convert.ServiceEntryMapper;
import io.nacosistio.plugin.registry.ConvertedService;
import io.nacosistio.plugin.registry.ServiceConverter;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registry services shaped like the side-by-side benchmark's (instances with app, version, protocol and
 * bench-seq metadata in DEFAULT_GROUP of the public namespace), and the converter the plugin wires: the mapper
 * (conversion and Istio's validation rules) followed by serializing the ServiceEntry once.
 */
final class SampleRegistry {

    private SampleRegistry() {
    }

    static ServiceKey key(int service) {
        return new ServiceKey(ServiceKey.DEFAULT_NAMESPACE, "DEFAULT_GROUP", String.format("bench-%05d", service));
    }

    /** Service {@code service} with {@code endpoints} instances; instance {@code seq % endpoints} carries {@code seq}. */
    static RegistryService service(int service, int endpoints, long seq) {
        List<RegistryInstance> instances = new ArrayList<>();
        for (int e = 0; e < endpoints; e++) {
            int n = service * endpoints + e;
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("app", key(service).serviceName());
            metadata.put("version", "v1");
            metadata.put("protocol", "http");
            metadata.put("bench-seq", Long.toString(e == seq % endpoints ? seq : 0));
            instances.add(new RegistryInstance("10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255),
                    8080, 1.0, true, true, true, "DEFAULT", metadata));
        }
        return new RegistryService(key(service), 0f, null, instances);
    }

    /** The plugin's converter (as MeshPlugin wires it), counting its calls. */
    static ServiceConverter converter(AtomicLong calls) {
        ServiceEntryMapper mapper = new ServiceEntryMapper(MappingOptions.defaults());
        return service -> {
            calls.incrementAndGet();
            MappingResult result = mapper.map(service);
            if (!result.isValid()) {
                return ConvertedService.rejected(result.errors());
            }
            return ConvertedService.accepted(result.resourceName(), result.host(), result.version(), result.labels(),
                    result.annotations(), result.serviceEntry().toByteString());
        };
    }
}
