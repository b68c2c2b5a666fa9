package io.nacosistio.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything in a .proto file that decides its wire format (and its text/JSON names), one fact a
 * line: message and enum full names with their file, every field's name, number, cardinality, type
 * and oneof, every enum value. Comments, options for other languages and field annotations are left
 * out because they never reach the wire.
 *
 * <p>{@link #main} prints the facts of a descriptor set, which is how istio-api-facts.txt is made
 * from the istio/api sources: {@code protoc -I<istio/api> -I<istio/api>/common-protos
 * --include_imports -o api.pb <files>}, then run this class with {@code api.pb}. Paths get the
 * {@code istio/} prefix our copies live under.
 */
final class DescriptorFacts {

  private DescriptorFacts() {
  }

  public static void main(String[] args) throws Exception {
    FileDescriptorSet set;
    try (InputStream in = Files.newInputStream(Paths.get(args[0]))) {
      set = FileDescriptorSet.parseFrom(in);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    List<String> facts = new ArrayList<>();
    for (FileDescriptorProto proto : set.getFileList()) {
      List<FileDescriptor> dependencies = new ArrayList<>();
      for (String dependency : proto.getDependencyList()) {
        dependencies.add(built.get(dependency));
      }
      FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
      built.put(proto.getName(), file);
      if (!proto.getName().startsWith("google/")) {
        String name = proto.getName();
        facts.addAll(of(file, name.startsWith("istio/") ? name : "istio/" + name));
      }
    }
    Collections.sort(facts);
    facts.forEach(System.out::println);
  }

  static List<String> of(FileDescriptor file, String path) {
    List<String> lines = new ArrayList<>();
    for (Descriptor message : file.getMessageTypes()) {
      lines.add("message " + message.getFullName() + " in " + path);
      addMessage(message, lines);
    }
    for (EnumDescriptor enumType : file.getEnumTypes()) {
      lines.add("enum " + enumType.getFullName() + " in " + path);
      addEnumValues(enumType, lines);
    }
    return lines;
  }

  private static void addMessage(Descriptor message, List<String> lines) {
    for (OneofDescriptor oneof : message.getRealOneofs()) {
      lines.add("oneof " + message.getFullName() + "." + oneof.getName());
    }
    for (FieldDescriptor field : message.getFields()) {
      lines.add(field(message, field));
    }
    for (Descriptor nested : message.getNestedTypes()) {
      lines.add("message " + nested.getFullName() + (nested.getOptions().getMapEntry() ? " map-entry" : ""));
      addMessage(nested, lines);
    }
    for (EnumDescriptor nested : message.getEnumTypes()) {
      lines.add("enum " + nested.getFullName());
      addEnumValues(nested, lines);
    }
  }

  private static String field(Descriptor message, FieldDescriptor field) {
    StringBuilder line = new StringBuilder("field ")
        .append(message.getFullName()).append('.').append(field.getName())
        .append(" = ").append(field.getNumber())
        .append(field.isRepeated() ? " repeated " : " singular ");
    switch (field.getJavaType()) {
      case MESSAGE:
        line.append('.').append(field.getMessageType().getFullName());
        break;
      case ENUM:
        line.append('.').append(field.getEnumType().getFullName());
        break;
      default:
        line.append(field.getType().name().toLowerCase());
    }
    if (field.getRealContainingOneof() != null) {
      line.append(" oneof=").append(field.getRealContainingOneof().getName());
    }
    if (field.toProto().getProto3Optional()) {
      line.append(" optional");
    }
    if (field.isPacked()) {
      line.append(" packed");
    }
    return line.toString();
  }

  private static void addEnumValues(EnumDescriptor enumType, List<String> lines) {
    for (EnumValueDescriptor value : enumType.getValues()) {
      lines.add("value " + enumType.getFullName() + "." + value.getName() + " = " + value.getNumber());
    }
  }
}
