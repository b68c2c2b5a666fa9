package io.nacosistio.plugin.resource;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The one content hash of the plugin: SHA-256, shown as a prefix of its lowercase hex form. */
public final class Sha256 {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The first {@code hexChars} hex characters of the SHA-256 of the bytes. */
    public static String hex(byte[] data, int hexChars) {
        return prefix(newDigest().digest(data), hexChars);
    }

    /** The first {@code hexChars} hex characters of a finished digest. */
    public static String prefix(byte[] digest, int hexChars) {
        StringBuilder out = new StringBuilder(hexChars);
        for (int i = 0; out.length() < hexChars; i++) {
            out.append(HEX[(digest[i] >> 4) & 0xf]);
            if (out.length() < hexChars) {
                out.append(HEX[digest[i] & 0xf]);
            }
        }
        return out.toString();
    }
}
