package io.nacosistio.plugin.document;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.nacosistio.plugin.validation.Violation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a document's {@code spec} into the kind's proto message, strictly: every unknown field, wrong
 * type, bad enum value and clash of mutually exclusive fields is reported with its path, all at once,
 * before protobuf's own JSON parser does the conversion. Durations may be written the Kubernetes way
 * ({@code 100ms}, {@code 1m}). Stateless and thread-safe.
 */
final class SpecReader {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private SpecReader() {
    }

    /** Fills {@code builder} from {@code spec}; returns the errors (then the builder is left unspecified). */
    static List<Violation> read(JsonObject spec, Message.Builder builder, String path) {
        List<Violation> errors = new ArrayList<>();
        JsonObject normalized = spec.deepCopy();
        checkMessage(normalized, builder.getDescriptorForType(), path, errors);
        if (!errors.isEmpty()) {
            return errors;
        }
        try {
            PARSER.merge(normalized.toString(), builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            errors.add(new Violation(path, String.valueOf(e.getMessage())));
        }
        return errors;
    }

    private static void checkMessage(JsonObject object, Descriptor type, String path, List<Violation> errors) {
        Map<OneofDescriptor, String> oneofsSeen = new HashMap<>();
        for (String key : new ArrayList<>(object.keySet())) {
            String fieldPath = path + "." + key;
            FieldDescriptor field = fieldNamed(type, key);
            if (field == null) {
                errors.add(new Violation(fieldPath, "unknown field" + suggestion(type, key)));
                continue;
            }
            JsonElement value = object.get(key);
            if (value.isJsonNull()) {
                continue; // JSON null means "not set", as in Kubernetes
            }
            OneofDescriptor oneof = field.getRealContainingOneof();
            if (oneof != null) {
                String other = oneofsSeen.put(oneof, key);
                if (other != null) {
                    errors.add(new Violation(fieldPath, "cannot be set together with " + other
                            + " (only one of them may be given)"));
                }
            }
            if (field.isMapField()) {
                checkMap(object, key, field, fieldPath, errors);
            } else if (field.isRepeated()) {
                if (!value.isJsonArray()) {
                    errors.add(new Violation(fieldPath, "expected a list, got " + describe(value)));
                    continue;
                }
                JsonArray array = value.getAsJsonArray();
                for (int i = 0; i < array.size(); i++) {
                    JsonElement replaced = checkValue(array.get(i), field, fieldPath + "[" + i + "]", errors);
                    if (replaced != null) {
                        array.set(i, replaced);
                    }
                }
            } else {
                JsonElement replaced = checkValue(value, field, fieldPath, errors);
                if (replaced != null) {
                    object.add(key, replaced);
                }
            }
        }
    }

    private static void checkMap(JsonObject parent, String key, FieldDescriptor field, String path,
            List<Violation> errors) {
        JsonElement value = parent.get(key);
        if (!value.isJsonObject()) {
            errors.add(new Violation(path, "expected a mapping, got " + describe(value)));
            return;
        }
        FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        JsonObject map = value.getAsJsonObject();
        for (String entryKey : new ArrayList<>(map.keySet())) {
            String entryPath = path + "['" + entryKey + "']";
            if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING
                    && checkInteger(new JsonPrimitive(entryKey), keyField.getType(), entryPath, errors) == null) {
                continue;
            }
            JsonElement entry = map.get(entryKey);
            if (entry.isJsonNull()) {
                errors.add(new Violation(entryPath, "a map value cannot be null"));
                continue;
            }
            JsonElement replaced = checkValue(entry, valueField, entryPath, errors);
            if (replaced != null) {
                map.add(entryKey, replaced);
            }
        }
    }

    /** Checks one (non-repeated) value; returns a replacement when it had to be normalized, else null. */
    private static JsonElement checkValue(JsonElement value, FieldDescriptor field, String path,
            List<Violation> errors) {
        switch (field.getType()) {
            case MESSAGE:
            case GROUP:
                return checkMessageValue(value, field.getMessageType(), path, errors);
            case ENUM:
                checkEnum(value, field.getEnumType(), path, errors);
                return null;
            case BOOL:
                if (!isBoolean(value)) {
                    errors.add(new Violation(path, "expected true or false, got " + describe(value)));
                }
                return null;
            case STRING:
                if (!isString(value)) {
                    errors.add(new Violation(path, "expected a string, got " + describe(value)
                            + (value.isJsonPrimitive() ? "; quote the value" : "")));
                }
                return null;
            case BYTES:
                if (!isString(value)) {
                    errors.add(new Violation(path, "expected a base64 string, got " + describe(value)));
                }
                return null;
            case FLOAT:
            case DOUBLE:
                if (!value.isJsonPrimitive() || !isNumeric(value.getAsJsonPrimitive())) {
                    errors.add(new Violation(path, "expected a number, got " + describe(value)));
                }
                return null;
            default:
                checkInteger(value, field.getType(), path, errors);
                return null;
        }
    }

    private static JsonElement checkMessageValue(JsonElement value, Descriptor type, String path,
            List<Violation> errors) {
        switch (type.getFullName()) {
            case "google.protobuf.Duration":
                if (isString(value)) {
                    String normalized = GoDurations.toProtoJson(value.getAsString());
                    if (normalized != null) {
                        return new JsonPrimitive(normalized);
                    }
                }
                errors.add(new Violation(path, "expected a duration such as 5s, 100ms or 1m30s, got "
                        + describe(value)));
                return null;
            case "google.protobuf.Timestamp":
            case "google.protobuf.FieldMask":
                if (!isString(value)) {
                    errors.add(new Violation(path, "expected a string, got " + describe(value)));
                }
                return null;
            case "google.protobuf.Value":
                return null;
            case "google.protobuf.ListValue":
                if (!value.isJsonArray()) {
                    errors.add(new Violation(path, "expected a list, got " + describe(value)));
                }
                return null;
            case "google.protobuf.Struct":
            case "google.protobuf.Any":
            case "google.protobuf.Empty":
                if (!value.isJsonObject()) {
                    errors.add(new Violation(path, "expected a mapping, got " + describe(value)));
                }
                return null;
            case "google.protobuf.BoolValue":
            case "google.protobuf.StringValue":
            case "google.protobuf.BytesValue":
            case "google.protobuf.Int32Value":
            case "google.protobuf.UInt32Value":
            case "google.protobuf.Int64Value":
            case "google.protobuf.UInt64Value":
            case "google.protobuf.FloatValue":
            case "google.protobuf.DoubleValue":
                return checkValue(value, type.findFieldByName("value"), path, errors);
            default:
                if (!value.isJsonObject()) {
                    errors.add(new Violation(path, "expected a mapping (" + type.getName() + "), got "
                            + describe(value)));
                    return null;
                }
                checkMessage(value.getAsJsonObject(), type, path, errors);
                return null;
        }
    }

    private static void checkEnum(JsonElement value, EnumDescriptor type, String path, List<Violation> errors) {
        if (isString(value)) {
            if (type.findValueByName(value.getAsString()) != null) {
                return;
            }
        } else if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            BigDecimal number = value.getAsBigDecimal();
            try {
                if (type.findValueByNumber(number.intValueExact()) != null) {
                    return;
                }
            } catch (ArithmeticException e) {
                // falls through to the error below
            }
        }
        List<String> names = new ArrayList<>();
        for (EnumValueDescriptor v : type.getValues()) {
            names.add(v.getName());
        }
        errors.add(new Violation(path, describe(value) + " is not one of " + String.join(", ", names)));
    }

    /** Integers may be JSON numbers or numeric strings, within the field's range. Returns null on error. */
    private static BigInteger checkInteger(JsonElement value, FieldDescriptor.Type type, String path,
            List<Violation> errors) {
        BigInteger number = null;
        if (value.isJsonPrimitive() && isNumeric(value.getAsJsonPrimitive())) {
            try {
                number = new BigDecimal(value.getAsString()).toBigIntegerExact();
            } catch (ArithmeticException | NumberFormatException e) {
                number = null;
            }
        }
        if (number == null) {
            errors.add(new Violation(path, "expected a whole number, got " + describe(value)));
            return null;
        }
        BigInteger min;
        BigInteger max;
        switch (type) {
            case UINT32:
            case FIXED32:
                min = BigInteger.ZERO;
                max = BigInteger.valueOf(UINT32_MAX);
                break;
            case UINT64:
            case FIXED64:
                min = BigInteger.ZERO;
                max = UINT64_MAX;
                break;
            case INT64:
            case SINT64:
            case SFIXED64:
                min = BigInteger.valueOf(Long.MIN_VALUE);
                max = BigInteger.valueOf(Long.MAX_VALUE);
                break;
            default:
                min = BigInteger.valueOf(Integer.MIN_VALUE);
                max = BigInteger.valueOf(Integer.MAX_VALUE);
        }
        if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
            errors.add(new Violation(path, number + " is out of range " + min + ".." + max));
            return null;
        }
        return number;
    }

    private static FieldDescriptor fieldNamed(Descriptor type, String key) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(key) || field.getName().equals(key)) {
                return field;
            }
        }
        return null;
    }

    private static String suggestion(Descriptor type, String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (FieldDescriptor field : type.getFields()) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT),
                    field.getJsonName().toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = field.getJsonName();
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return "; did you mean " + best + "?";
        }
        List<String> names = new ArrayList<>();
        for (FieldDescriptor field : type.getFields()) {
            names.add(field.getJsonName());
        }
        return " of " + type.getName() + " (known: " + String.join(", ", names) + ")";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static boolean isString(JsonElement value) {
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
    }

    private static boolean isBoolean(JsonElement value) {
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
    }

    private static boolean isNumeric(JsonPrimitive value) {
        if (value.isNumber()) {
            return true;
        }
        if (!value.isString()) {
            return false;
        }
        try {
            new BigDecimal(value.getAsString());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String describe(JsonElement value) {
        if (value.isJsonObject()) {
            return "a mapping";
        }
        if (value.isJsonArray()) {
            return "a list";
        }
        if (value.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = value.getAsJsonPrimitive();
        String text = p.getAsString();
        if (text.length() > 60) {
            text = text.substring(0, 60) + "...";
        }
        if (p.isString()) {
            return "'" + text + "'";
        }
        return (p.isBoolean() ? "boolean " : "number ") + text;
    }
}
