package io.nacosistio.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nacosistio.it.istiod.IstiodConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: the ServiceEntries the plugin served, one file each in a directory that a second istiod reads
 * ({@code configSources: [{address: fs:///<dir>}]}), and the same instance-only change made to a file. Files are
 * JSON (a subset of the YAML istiod reads) named {@code .yaml}; each is written beside and renamed over the old
 * one, so istiod never reads a half-written file.
 *
 * <p>Threads: changes come from one driver thread at a time per service (the caller's lock per service).
 */
final class FileBaseline {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int endpoints;
    private final Map<String, ObjectNode> documents = new HashMap<>();

    FileBaseline(Path dir, int endpoints) {
        this.dir = dir;
        this.endpoints = endpoints;
    }

    /** Writes every ServiceEntry as istiod holds it (from its {@code /debug/configz}); returns how many. */
    int writeAll(List<IstiodConfig> serviceEntries) throws IOException {
        for (IstiodConfig c : serviceEntries) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("apiVersion", "networking.istio.io/v1");
            doc.put("kind", "ServiceEntry");
            ObjectNode metadata = doc.putObject("metadata");
            metadata.put("name", c.name());
            metadata.put("namespace", c.namespace());
            for (String field : List.of("labels", "annotations")) {
                if (c.metadata().has(field)) {
                    metadata.set(field, c.metadata().get(field));
                }
            }
            doc.set("spec", c.spec().deepCopy());
            String host = c.spec().path("hosts").path(0).asText();
            String service = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
            synchronized (this) {
                documents.put(service, doc);
            }
            write(service, doc);
        }
        return serviceEntries.size();
    }

    /** The file twin of {@link Registry#change} with {@link Registry#NEW_ADDRESS}. */
    void change(int service, long seq, List<EdsTracker> trackers) throws IOException {
        String name = Registry.serviceName(service);
        ObjectNode doc;
        synchronized (this) {
            doc = documents.get(name);
        }
        if (doc == null) {
            throw new IllegalStateException("no ServiceEntry file for " + name);
        }
        synchronized (doc) {
            // The endpoint at position seq % endpoints gets the change's address, as the registry's slot does.
            JsonNode list = doc.path("spec").path("endpoints");
            if (list.size() < endpoints) {
                throw new IllegalStateException(name + " has " + list.size() + " endpoints in its file, not " + endpoints);
            }
            String address = Registry.changedAddress(seq);
            ((ObjectNode) list.get((int) (seq % endpoints))).put("address", address);
            for (EdsTracker t : trackers) {
                t.expect(name, seq, address);
            }
            write(name, doc);
            long returned = System.nanoTime();
            for (EdsTracker t : trackers) {
                t.written(name, seq, returned);
            }
        }
    }

    private void write(String service, ObjectNode doc) throws IOException {
        Path tmp = dir.resolve(service + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(doc));
        Files.move(tmp, dir.resolve(service + ".yaml"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    Path dir() {
        return dir;
    }
}
