package io.nacosistio.plugin.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client networks allowed to connect to the MCP port: IPv4 and IPv6 CIDR blocks ({@code 10.0.0.0/8},
 * {@code fd00::/8}; a bare address is a single host). An IPv4-mapped IPv6 peer ({@code ::ffff:10.1.2.3}) is
 * matched as the IPv4 address it carries. Immutable; safe from any thread.
 */
public final class ClientNetworks {

    /**
     * Loopback, the private IPv4 ranges (RFC 1918), shared address space (RFC 6598, used by some cluster
     * networks), IPv6 loopback, unique-local (RFC 4193) and link-local: an istiod in the same cluster
     * network or on the same host connects; the open internet does not.
     */
    public static final List<String> PRIVATE_NETWORKS = Collections.unmodifiableList(Arrays.asList(
            "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "::1/128", "fc00::/7", "fe80::/10"));

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final List<Block> blocks;

    private ClientNetworks(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** Parses CIDR blocks; a malformed one fails with a message naming it. At least one block is needed. */
    public static ClientNetworks parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : cidrs) {
            String cidr = raw.trim();
            if (!cidr.isEmpty()) {
                blocks.add(Block.parse(cidr));
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("the list of allowed client networks is empty, so every client "
                    + "would be refused; list CIDR blocks such as 10.0.0.0/8, or 0.0.0.0/0,::/0 for any client");
        }
        return new ClientNetworks(Collections.unmodifiableList(blocks));
    }

    /** Every address, IPv4 and IPv6. */
    public static ClientNetworks any() {
        return parse(Arrays.asList("0.0.0.0/0", "::/0"));
    }

    public boolean allows(InetAddress address) {
        byte[] bytes = normalized(address.getAddress());
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Block block : blocks) {
            names.add(block.text);
        }
        return String.join(",", names);
    }

    /** An IPv4-mapped IPv6 address as its 4 IPv4 bytes; every other address unchanged. */
    private static byte[] normalized(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        return Arrays.copyOfRange(bytes, 12, 16);
    }

    private static final class Block {
        final String text;
        final byte[] network;
        final int prefix;

        private Block(String text, byte[] network, int prefix) {
            this.text = text;
            this.network = network;
            this.prefix = prefix;
        }

        static Block parse(String cidr) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            if (!IP_LITERAL.matcher(address).matches() || (address.indexOf(':') < 0 && address.indexOf('.') < 0)) {
                throw invalid(cidr, "not an IPv4 or IPv6 address (host names are not allowed)");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw invalid(cidr, "not an IPv4 or IPv6 address");
            }
            if (address.indexOf(':') >= 0 && bytes.length == 4) {
                // Java reads ::ffff:a.b.c.d as IPv4; its prefix counts IPv6 bits.
                bytes = normalized(mapped(bytes));
                if (slash >= 0) {
                    int bits = prefixOf(cidr, slash, 128);
                    if (bits < 96) {
                        throw invalid(cidr, "an IPv4-mapped block needs a prefix of at least 96");
                    }
                    return masked(cidr, bytes, bits - 96);
                }
            }
            int max = bytes.length * 8;
            int bits = slash < 0 ? max : prefixOf(cidr, slash, max);
            return masked(cidr, bytes, bits);
        }

        private static Block masked(String cidr, byte[] bytes, int bits) {
            byte[] network = bytes.clone();
            for (int i = 0; i < network.length; i++) {
                network[i] &= mask(bits, i);
            }
            if (!Arrays.equals(network, bytes)) {
                throw invalid(cidr, "has host bits set; the network is " + format(network) + "/" + bits);
            }
            return new Block(cidr, network, bits);
        }

        private static int prefixOf(String cidr, int slash, int max) {
            String text = cidr.substring(slash + 1);
            try {
                int bits = Integer.parseInt(text);
                if (bits >= 0 && bits <= max) {
                    return bits;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(cidr, "the prefix length must be 0.." + max);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < address.length; i++) {
                if ((address[i] & mask(prefix, i)) != network[i]) {
                    return false;
                }
            }
            return true;
        }

        private static byte mask(int bits, int byteIndex) {
            int remaining = bits - byteIndex * 8;
            if (remaining >= 8) {
                return (byte) 0xff;
            }
            if (remaining <= 0) {
                return 0;
            }
            return (byte) (0xff << (8 - remaining));
        }

        private static byte[] mapped(byte[] ipv4) {
            byte[] bytes = new byte[16];
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(ipv4, 0, bytes, 12, 4);
            return bytes;
        }

        private static String format(byte[] bytes) {
            try {
                return InetAddress.getByAddress(bytes).getHostAddress();
            } catch (UnknownHostException e) {
                return Arrays.toString(bytes);
            }
        }

        private static IllegalArgumentException invalid(String cidr, String why) {
            return new IllegalArgumentException("allowed client network '" + cidr + "': " + why);
        }
    }
}
