package io.nacosistio.plugin.debug;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.registry.RegistryView;
import io.nacosistio.plugin.document.SpecTypes;
import io.nacosistio.plugin.registry.SkippedService;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Renders what the plugin serves and what it skipped as JSON, from immutable snapshots only: reading
 * the debug view never blocks the index or a stream.
 */
public final class DebugView {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final ResourceCache cache;
    private final Supplier<RegistryView> index;
    private final JsonFormat.Printer bodyPrinter;

    public DebugView(ResourceCache cache, Supplier<RegistryView> index) {
        this.cache = cache;
        this.index = index;
        JsonFormat.TypeRegistry types = JsonFormat.TypeRegistry.newBuilder()
                .add(SpecTypes.descriptors())
                .add(Resource.getDescriptor())
                .build();
        this.bodyPrinter = JsonFormat.printer().usingTypeRegistry(types).includingDefaultValueFields();
    }

    /** Every kind with its version and the name, version and size of each resource. */
    public String resources() {
        JsonArray kinds = new JsonArray();
        for (IstioKind kind : IstioKind.values()) {
            ResourceSet set = cache.current(kind);
            JsonObject k = new JsonObject();
            k.addProperty("kind", kind.kindName());
            k.addProperty("typeUrls", String.join(",", kind.typeUrls()));
            k.addProperty("version", set.version());
            k.addProperty("count", set.resources().size());
            JsonArray items = new JsonArray();
            for (McpResource r : set.resources()) {
                JsonObject item = new JsonObject();
                item.addProperty("name", r.name());
                item.addProperty("version", r.version());
                item.addProperty("bytes", r.serializedSize());
                items.add(item);
            }
            k.add("resources", items);
            kinds.add(k);
        }
        return GSON.toJson(kinds);
    }

    /** One served resource decoded to JSON, or empty when no such resource is served. */
    public Optional<String> resource(String kindName, String name) {
        for (IstioKind kind : IstioKind.values()) {
            if (!kind.kindName().equalsIgnoreCase(kindName)) {
                continue;
            }
            for (McpResource r : cache.current(kind).resources()) {
                if (r.name().equals(name)) {
                    return Optional.of(decode(r));
                }
            }
        }
        return Optional.empty();
    }

    /** Registry services that are not served, with the reasons. */
    public String skipped() {
        RegistryView view = index.get();
        JsonArray list = new JsonArray();
        for (SkippedService s : view.skipped()) {
            JsonObject item = new JsonObject();
            item.addProperty("namespace", s.key().namespaceId());
            item.addProperty("group", s.key().group());
            item.addProperty("service", s.key().serviceName());
            item.addProperty("sinceEpochMillis", s.sinceEpochMillis());
            JsonArray reasons = new JsonArray();
            for (String reason : s.reasons()) {
                reasons.add(reason);
            }
            item.add("reasons", reasons);
            list.add(item);
        }
        JsonObject root = new JsonObject();
        root.add("skipped", list);
        JsonArray withoutAddress = new JsonArray();
        for (java.util.Map.Entry<io.nacosistio.plugin.source.ServiceKey, String> e
                : view.addresses().problems().entrySet()) {
            JsonObject item = new JsonObject();
            item.addProperty("namespace", e.getKey().namespaceId());
            item.addProperty("group", e.getKey().group());
            item.addProperty("service", e.getKey().serviceName());
            item.addProperty("reason", e.getValue());
            withoutAddress.add(item);
        }
        root.add("servedWithoutAddress", withoutAddress);
        JsonObject served = new JsonObject();
        for (java.util.Map.Entry<String, Integer> e : view.servedPerNamespace().entrySet()) {
            served.addProperty(e.getKey(), e.getValue());
        }
        root.add("servedPerNamespace", served);
        return GSON.toJson(root);
    }

    /** Address allocation: status, where the table lives, pool use, the committed table, problems. */
    public String addresses() {
        io.nacosistio.plugin.address.AddressView view = index.get().addresses();
        JsonObject root = new JsonObject();
        root.addProperty("status", view.status());
        root.addProperty("table", view.tableLocation());
        JsonArray pools = new JsonArray();
        for (java.util.Map.Entry<String, Long> e : view.poolSizes().entrySet()) {
            JsonObject pool = new JsonObject();
            pool.addProperty("cidr", e.getKey());
            pool.addProperty("usable", e.getValue());
            pool.addProperty("used", view.poolUsed().getOrDefault(e.getKey(), 0L));
            pools.add(pool);
        }
        root.add("pools", pools);
        JsonArray records = new JsonArray();
        for (java.util.Map.Entry<String, io.nacosistio.plugin.address.AddressRecord> e
                : view.committed().records().entrySet()) {
            JsonObject record = new JsonObject();
            record.addProperty("address", e.getKey());
            record.addProperty("host", e.getValue().host());
            record.addProperty("override", e.getValue().isOverride());
            if (!e.getValue().isLive()) {
                record.addProperty("freedAtEpochMillis", e.getValue().freedAtMillis());
            }
            records.add(record);
        }
        root.add("records", records);
        JsonArray problems = new JsonArray();
        for (java.util.Map.Entry<io.nacosistio.plugin.source.ServiceKey, String> e : view.problems().entrySet()) {
            JsonObject item = new JsonObject();
            item.addProperty("namespace", e.getKey().namespaceId());
            item.addProperty("group", e.getKey().group());
            item.addProperty("service", e.getKey().serviceName());
            item.addProperty("reason", e.getValue());
            problems.add(item);
        }
        root.add("servedWithoutAddress", problems);
        JsonArray declared = new JsonArray();
        for (io.nacosistio.plugin.address.DeclaredAddresses.Declaration d : view.declared().declarations()) {
            JsonObject item = new JsonObject();
            item.addProperty("address", d.address());
            item.addProperty("serviceEntry", d.resource());
            JsonArray hosts = new JsonArray();
            d.hosts().forEach(hosts::add);
            item.add("hosts", hosts);
            declared.add(item);
        }
        root.add("declaredByConfigCenter", declared);
        return GSON.toJson(root);
    }

    private String decode(McpResource r) {
        try {
            Resource resource = Resource.parseFrom(r.packed().getValue());
            return GSON.toJson(JsonParser.parseString(bodyPrinter.print(resource)));
        } catch (InvalidProtocolBufferException e) {
            JsonObject error = new JsonObject();
            error.addProperty("name", r.name());
            error.addProperty("error", "body cannot be printed: " + e.getMessage());
            return GSON.toJson(error);
        }
    }
}
