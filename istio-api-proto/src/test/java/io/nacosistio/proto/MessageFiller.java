package io.nacosistio.proto;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills every field of a message, recursively, with distinct non-default values, through the
 * reflection API so it works for any generated class. A oneof gets one member, chosen by the variant
 * and rotated on each further occurrence of the same oneof, so that a few variants cover every member
 * even where oneofs nest (callers check that with {@link FieldCoverage}). Not thread-safe: one
 * instance per message built.
 */
final class MessageFiller {

  private static final int MAX_DEPTH = 8;

  private final int variant;
  private final Map<String, Integer> oneofOccurrences = new HashMap<>();
  private int counter;

  private MessageFiller(int variant) {
    this.variant = variant;
  }

  static Message fill(Message prototype, int variant) {
    return new MessageFiller(variant).build(prototype.newBuilderForType(), 0);
  }

  /** The largest oneof reachable from the type: the fewest variants that can cover every member. */
  static int maxOneofSize(Descriptor type) {
    return maxOneofSize(type, new HashSet<>());
  }

  private static int maxOneofSize(Descriptor type, Set<String> seen) {
    if (!seen.add(type.getFullName()) || type.getFullName().startsWith("google.protobuf.")) {
      return 1;
    }
    int max = 1;
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      max = Math.max(max, oneof.getFieldCount());
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        max = Math.max(max, maxOneofSize(field.getMessageType(), seen));
      }
    }
    return max;
  }

  private Message build(Message.Builder builder, int depth) {
    Message wellKnown = wellKnown(builder.getDescriptorForType());
    if (wellKnown != null) {
      return wellKnown;
    }
    Map<OneofDescriptor, FieldDescriptor> chosen = new HashMap<>();
    for (OneofDescriptor oneof : builder.getDescriptorForType().getRealOneofs()) {
      int occurrence = oneofOccurrences.merge(oneof.getFullName(), 1, Integer::sum) - 1;
      chosen.put(oneof, oneof.getField((variant + occurrence) % oneof.getFieldCount()));
    }
    for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && chosen.get(oneof) != field) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
        continue;
      }
      if (field.isMapField()) {
        for (int i = 0; i < 2; i++) {
          builder.addRepeatedField(field, build(builder.newBuilderForField(field), depth + 1));
        }
      } else if (field.isRepeated()) {
        for (int i = 0; i < 2; i++) {
          builder.addRepeatedField(field, value(builder, field, depth));
        }
      } else {
        builder.setField(field, value(builder, field, depth));
      }
    }
    return builder.build();
  }

  private Object value(Message.Builder parent, FieldDescriptor field, int depth) {
    int n = ++counter;
    switch (field.getJavaType()) {
      case MESSAGE:
        return build(parent.newBuilderForField(field), depth + 1);
      case ENUM:
        EnumDescriptor type = field.getEnumType();
        List<?> values = type.getValues();
        // Skip the zero value where possible: it would not be written outside oneofs and lists.
        int index = values.size() == 1 ? 0 : 1 + (variant + n) % (values.size() - 1);
        return type.getValues().get(index);
      case STRING:
        return field.getName() + "-" + n;
      case BYTE_STRING:
        return ByteString.copyFromUtf8("bytes-" + n);
      case BOOLEAN:
        return Boolean.TRUE;
      case INT:
        return n;
      case LONG:
        return (long) n * 1_000_003L;
      case FLOAT:
        return n + 0.25f;
      case DOUBLE:
        return n + 0.5d;
      default:
        throw new IllegalStateException("unhandled " + field);
    }
  }

  /** Valid, recognisable values for well-known types whose shape the generic fill would break. */
  private Message wellKnown(Descriptor type) {
    int n = ++counter;
    switch (type.getFullName()) {
      case "google.protobuf.Duration":
        return Duration.newBuilder().setSeconds(n).setNanos(n * 1000).build();
      case "google.protobuf.Timestamp":
        return Timestamp.newBuilder().setSeconds(1_700_000_000L + n).setNanos(n).build();
      case "google.protobuf.Value":
        return Value.newBuilder().setStringValue("value-" + n).build();
      case "google.protobuf.ListValue":
        return ListValue.newBuilder().addValues(Value.newBuilder().setNumberValue(n)).build();
      case "google.protobuf.Struct":
        return Struct.newBuilder()
            .putFields("name", Value.newBuilder().setStringValue("struct-" + n).build())
            .putFields("nested", Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("on", Value.newBuilder().setBoolValue(true).build())
                .putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder()
                    .addValues(Value.newBuilder().setNumberValue(n))).build())).build())
            .build();
      case "google.protobuf.Any":
        return Any.pack(Duration.newBuilder().setSeconds(n).build());
      default:
        counter--;
        return null;
    }
  }
}
