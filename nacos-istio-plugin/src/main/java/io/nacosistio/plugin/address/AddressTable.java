package io.nacosistio.plugin.address;

import com.google.common.net.InetAddresses;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The committed allocation state: every address in use or on hold, keyed by its canonical text, each with
 * exactly one record, so an address can never belong to two hosts. Rendered as sorted text lines, so equal
 * tables are equal bytes on every node. Immutable.
 *
 * <pre>
 * 240.241.12.7 orders.default-group.public.nacos
 * 240.241.80.1 legacy.default-group.public.nacos freed=1764680000000
 * 10.8.0.4 billing.default-group.public.nacos override
 * </pre>
 */
public final class AddressTable {

    static final String HEADER = "# nacos-istio-plugin address table: <address> <host> [override] [freed=<epoch ms>]\n"
            + "# Written by the plugin with compare-and-set. Edit only while the plugin is stopped on every node.\n";

    private static final AddressTable EMPTY = new AddressTable(new TreeMap<String, AddressRecord>());

    private final SortedMap<String, AddressRecord> records;

    private AddressTable(SortedMap<String, AddressRecord> records) {
        this.records = Collections.unmodifiableSortedMap(records);
    }

    public static AddressTable empty() {
        return EMPTY;
    }

    static AddressTable of(Map<String, AddressRecord> records) {
        return new AddressTable(new TreeMap<>(records));
    }

    /** Address (canonical text) → record, sorted by address text. */
    public SortedMap<String, AddressRecord> records() {
        return records;
    }

    public String render() {
        StringBuilder out = new StringBuilder(HEADER);
        for (Map.Entry<String, AddressRecord> e : records.entrySet()) {
            out.append(e.getKey()).append(' ').append(e.getValue().host());
            if (e.getValue().isOverride()) {
                out.append(" override");
            }
            if (!e.getValue().isLive()) {
                out.append(" freed=").append(e.getValue().freedAtMillis());
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Reads a rendered table. Any bad line makes the whole table unreadable: a table read in part could
     * hand out an address that the missing part gives to another host.
     *
     * @throws IllegalArgumentException naming the first bad line
     */
    public static AddressTable parse(String content) {
        TreeMap<String, AddressRecord> records = new TreeMap<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            String where = "line " + (i + 1) + " '" + line + "': ";
            if (fields.length < 2 || fields.length > 4) {
                throw new IllegalArgumentException(where + "expected <address> <host> [override] [freed=<epoch ms>]");
            }
            String address;
            try {
                address = InetAddresses.toAddrString(InetAddresses.forString(fields[0]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "'" + fields[0] + "' is not an IP address");
            }
            boolean override = false;
            long freedAt = 0;
            for (int f = 2; f < fields.length; f++) {
                if (fields[f].equals("override") && !override) {
                    override = true;
                } else if (fields[f].startsWith("freed=") && freedAt == 0) {
                    try {
                        freedAt = Long.parseLong(fields[f].substring("freed=".length()));
                    } catch (NumberFormatException e) {
                        freedAt = -1;
                    }
                    if (freedAt <= 0) {
                        throw new IllegalArgumentException(where + "freed= needs a positive epoch-millisecond time");
                    }
                } else {
                    throw new IllegalArgumentException(where + "unknown field '" + fields[f] + "'");
                }
            }
            if (records.put(address, new AddressRecord(fields[1], override, freedAt)) != null) {
                throw new IllegalArgumentException(where + "address " + address + " appears twice");
            }
        }
        return new AddressTable(records);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressTable && ((AddressTable) o).records.equals(records);
    }

    @Override
    public int hashCode() {
        return records.hashCode();
    }
}
