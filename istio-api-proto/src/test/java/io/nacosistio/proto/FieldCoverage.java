package io.nacosistio.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which fields of which message types a set of messages exercises, to prove test data is complete. */
final class FieldCoverage {

  private FieldCoverage() {
  }

  /** Every "Type.field" reachable from the type, stopping at google.protobuf types. */
  static Set<String> reachable(Descriptor type) {
    Set<String> fields = new TreeSet<>();
    addReachable(type, fields, new TreeSet<>());
    return fields;
  }

  private static void addReachable(Descriptor type, Set<String> fields, Set<String> seen) {
    if (type.getFullName().startsWith("google.protobuf.") || !seen.add(type.getFullName())) {
      return;
    }
    for (FieldDescriptor field : type.getFields()) {
      fields.add(type.getFullName() + "." + field.getName());
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        addReachable(field.getMessageType(), fields, seen);
      }
    }
  }

  /** Adds every "Type.field" set somewhere in the message. */
  static void collectSet(Message message, Set<String> into) {
    if (message.getDescriptorForType().getFullName().startsWith("google.protobuf.")) {
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      into.add(message.getDescriptorForType().getFullName() + "." + field.getName());
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.isRepeated()) {
        for (Object element : (Iterable<?>) entry.getValue()) {
          collectSet((Message) element, into);
        }
      } else {
        collectSet((Message) entry.getValue(), into);
      }
    }
  }
}
