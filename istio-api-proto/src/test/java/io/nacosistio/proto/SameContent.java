package io.nacosistio.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares two messages generated from different .proto copies of the same wire type, field by field
 * through their descriptors.
 *
 * <p>Fields are matched by number, as on the wire: a field both sides declare must have the same name,
 * type and cardinality and the same value; a field only one side declares must sit, with exactly the
 * same encoding, in the other side's unknown fields; a name both sides declare must have one number. Type names of nested messages are not compared
 * (they never reach the wire); callers compare the top-level full names where an Any carries them.
 */
final class SameContent {

  private SameContent() {
  }

  static void assertSameContent(Message left, Message right) {
    compareMessages(left.getDescriptorForType().getFullName(), left, right);
  }

  private static void compareMessages(String path, Message a, Message b) {
    Descriptor da = a.getDescriptorForType();
    Descriptor db = b.getDescriptorForType();
    Set<Integer> declaredByEither = new HashSet<>();
    for (FieldDescriptor fa : da.getFields()) {
      declaredByEither.add(fa.getNumber());
      String fieldPath = path + "." + fa.getName();
      FieldDescriptor fb = db.findFieldByNumber(fa.getNumber());
      FieldDescriptor sameName = db.findFieldByName(fa.getName());
      if (sameName != null) {
        assertThat(sameName.getNumber()).as("number of %s", fieldPath).isEqualTo(fa.getNumber());
      }
      if (fb == null) {
        assertCarriedAsUnknown(fieldPath, a, fa, b);
        continue;
      }
      assertThat(fb.getName()).as("name of field %d at %s", fa.getNumber(), path).isEqualTo(fa.getName());
      assertThat(fb.getType()).as("type of %s", fieldPath).isEqualTo(fa.getType());
      assertThat(fb.isRepeated()).as("cardinality of %s", fieldPath).isEqualTo(fa.isRepeated());
      assertThat(fb.isMapField()).as("map-ness of %s", fieldPath).isEqualTo(fa.isMapField());
      compareField(fieldPath, a, fa, b, fb);
    }
    for (FieldDescriptor fb : db.getFields()) {
      if (da.findFieldByNumber(fb.getNumber()) == null) {
        declaredByEither.add(fb.getNumber());
        assertCarriedAsUnknown(path + "." + fb.getName(), b, fb, a);
      }
    }
    Map<Integer, UnknownFieldSet.Field> unknownA = a.getUnknownFields().asMap();
    Map<Integer, UnknownFieldSet.Field> unknownB = b.getUnknownFields().asMap();
    Set<Integer> numbers = new HashSet<>(unknownA.keySet());
    numbers.addAll(unknownB.keySet());
    numbers.removeAll(declaredByEither);
    for (Integer number : numbers) {
      assertThat(unknownB.get(number)).as("unknown field %d at %s", number, path).isEqualTo(unknownA.get(number));
    }
  }

  /** The field is declared only in {@code declaring}; {@code other} must keep its exact encoding. */
  private static void assertCarriedAsUnknown(String path, Message declaring, FieldDescriptor field, Message other) {
    UnknownFieldSet unknown = other.getUnknownFields();
    if (!isSet(declaring, field)) {
      assertThat(unknown.hasField(field.getNumber())).as("%s is unset but %s has unknown field %d", path,
          other.getDescriptorForType().getFullName(), field.getNumber()).isFalse();
      return;
    }
    ByteString alone = declaring.newBuilderForType().setField(field, declaring.getField(field)).build().toByteString();
    UnknownFieldSet expected;
    try {
      expected = UnknownFieldSet.parseFrom(alone);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    assertThat(unknown.getField(field.getNumber())).as("%s kept as unknown field %d", path, field.getNumber())
        .isEqualTo(expected.getField(field.getNumber()));
  }

  private static boolean isSet(Message message, FieldDescriptor field) {
    return field.isRepeated() ? message.getRepeatedFieldCount(field) > 0 : message.hasField(field);
  }

  private static void compareField(String path, Message a, FieldDescriptor fa, Message b, FieldDescriptor fb) {
    if (fa.isMapField()) {
      Map<Object, Object> mapA = toMap(a, fa);
      Map<Object, Object> mapB = toMap(b, fb);
      assertThat(mapB.keySet()).as("keys of %s", path).containsExactlyInAnyOrderElementsOf(mapA.keySet());
      FieldDescriptor valueField = fa.getMessageType().findFieldByName("value");
      for (Map.Entry<Object, Object> entry : mapA.entrySet()) {
        compareValue(path + "[" + entry.getKey() + "]", valueField.getType(), entry.getValue(),
            mapB.get(entry.getKey()));
      }
      return;
    }
    if (fa.isRepeated()) {
      List<?> listA = (List<?>) a.getField(fa);
      List<?> listB = (List<?>) b.getField(fb);
      assertThat(listB).as("size of %s", path).hasSize(listA.size());
      for (int i = 0; i < listA.size(); i++) {
        compareValue(path + "[" + i + "]", fa.getType(), listA.get(i), listB.get(i));
      }
      return;
    }
    if (fa.hasPresence()) {
      assertThat(b.hasField(fb)).as("presence of %s", path).isEqualTo(a.hasField(fa));
      if (!a.hasField(fa)) {
        return;
      }
    }
    compareValue(path, fa.getType(), a.getField(fa), b.getField(fb));
  }

  private static Map<Object, Object> toMap(Message message, FieldDescriptor mapField) {
    Map<Object, Object> map = new LinkedHashMap<>();
    FieldDescriptor key = mapField.getMessageType().findFieldByName("key");
    FieldDescriptor value = mapField.getMessageType().findFieldByName("value");
    for (Object entry : (List<?>) message.getField(mapField)) {
      Message entryMessage = (Message) entry;
      map.put(entryMessage.getField(key), entryMessage.getField(value));
    }
    return map;
  }

  /** A value the reading side's enum declares (an open proto3 enum also holds undeclared numbers). */
  private static boolean isKnown(EnumValueDescriptor value) {
    return value.getType().findValueByNumber(value.getNumber()) != null;
  }

  private static void compareValue(String path, FieldDescriptor.Type type, Object a, Object b) {
    switch (type) {
      case MESSAGE:
      case GROUP:
        compareMessages(path, (Message) a, (Message) b);
        break;
      case ENUM:
        assertThat(((EnumValueDescriptor) b).getNumber()).as("enum number of %s", path)
            .isEqualTo(((EnumValueDescriptor) a).getNumber());
        if (isKnown((EnumValueDescriptor) a) && isKnown((EnumValueDescriptor) b)) {
          assertThat(((EnumValueDescriptor) b).getName()).as("enum name of %s", path)
              .isEqualTo(((EnumValueDescriptor) a).getName());
        }
        break;
      default:
        assertThat(b).as("%s", path).isEqualTo(a);
    }
  }
}
