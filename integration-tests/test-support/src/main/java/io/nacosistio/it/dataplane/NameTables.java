package io.nacosistio.it.dataplane;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes istio-agent's DNS name table ({@code istio.networking.nds.v1.NameTable}, istio/istio
 * {@code pkg/dns/proto/nds.proto}), which no Java library ships: the message is described here with the same
 * package, names and field numbers, and parsed by protobuf's own {@link DynamicMessage}.
 */
public final class NameTables {

    public static final String TYPE_URL = "type.googleapis.com/istio.networking.nds.v1.NameTable";

    private static final Descriptors.Descriptor NAME_TABLE = describe();

    private NameTables() {
    }

    /** One host's entry: its IPs and the registry istiod took it from. */
    public record NameInfo(List<String> ips, String registry, String namespace) {
    }

    /** The table by host name. */
    @SuppressWarnings("unchecked")
    public static Map<String, NameInfo> decode(Any any) {
        if (!any.getTypeUrl().equals(TYPE_URL)) {
            throw new AssertionError("not a name table: " + any.getTypeUrl());
        }
        DynamicMessage table;
        try {
            table = DynamicMessage.parseFrom(NAME_TABLE, any.getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("undecodable name table", e);
        }
        Descriptors.FieldDescriptor entries = NAME_TABLE.findFieldByName("table");
        Descriptors.Descriptor entry = entries.getMessageType();
        Descriptors.Descriptor info = entry.findFieldByName("value").getMessageType();
        Map<String, NameInfo> result = new TreeMap<>();
        for (Object e : (List<Object>) table.getField(entries)) {
            DynamicMessage m = (DynamicMessage) e;
            DynamicMessage value = (DynamicMessage) m.getField(entry.findFieldByName("value"));
            result.put((String) m.getField(entry.findFieldByName("key")), new NameInfo(
                    List.copyOf((List<String>) value.getField(info.findFieldByName("ips"))),
                    (String) value.getField(info.findFieldByName("registry")),
                    (String) value.getField(info.findFieldByName("namespace"))));
        }
        return result;
    }

    private static Descriptors.Descriptor describe() {
        DescriptorProto nameInfo = DescriptorProto.newBuilder().setName("NameInfo")
                .addField(field("ips", 1, FieldDescriptorProto.Type.TYPE_STRING, true, null))
                .addField(field("registry", 2, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                .addField(field("shortname", 3, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                .addField(field("namespace", 4, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                .addField(field("alt_hosts", 5, FieldDescriptorProto.Type.TYPE_STRING, true, null))
                .build();
        DescriptorProto tableEntry = DescriptorProto.newBuilder().setName("TableEntry")
                .addField(field("key", 1, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                .addField(field("value", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, false,
                        ".istio.networking.nds.v1.NameTable.NameInfo"))
                .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                .build();
        DescriptorProto nameTable = DescriptorProto.newBuilder().setName("NameTable")
                .addNestedType(nameInfo)
                .addNestedType(tableEntry)
                .addField(field("table", 1, FieldDescriptorProto.Type.TYPE_MESSAGE, true,
                        ".istio.networking.nds.v1.NameTable.TableEntry"))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("nds.proto")
                .setPackage("istio.networking.nds.v1").setSyntax("proto3").addMessageType(nameTable).build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0])
                    .findMessageTypeByName("NameTable");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, boolean repeated,
            String typeName) {
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type).setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED
                        : FieldDescriptorProto.Label.LABEL_OPTIONAL);
        if (typeName != null) {
            field.setTypeName(typeName);
        }
        return field.build();
    }
}
