package io.nacosistio.plugin.server.stream;

/**
 * What {@link StreamProtocol#respond} decided for one type: send this version under this nonce, or nothing,
 * and why. Immutable.
 */
public final class Decision {

    /** Why nothing is sent. */
    public enum Why {
        /** The stream never asked for this type. */
        NOT_SUBSCRIBED,
        /** The client has not answered the last response yet: at most one response per type is in flight. */
        AWAITING_REPLY,
        /** This version was already sent (ACKed, NACKed or not yet answered): never re-sent. */
        VERSION_ALREADY_SENT
    }

    private final String typeUrl;
    private final String version;
    private final String nonce;
    private final Why why;

    private Decision(String typeUrl, String version, String nonce, Why why) {
        this.typeUrl = typeUrl;
        this.version = version;
        this.nonce = nonce;
        this.why = why;
    }

    static Decision send(String typeUrl, String version, String nonce) {
        return new Decision(typeUrl, version, nonce, null);
    }

    static Decision nothing(String typeUrl, Why why) {
        return new Decision(typeUrl, null, null, why);
    }

    public boolean sends() {
        return why == null;
    }

    public String typeUrl() {
        return typeUrl;
    }

    /** The version to send; null when nothing is sent. */
    public String version() {
        return version;
    }

    /** The nonce the response must carry; null when nothing is sent. */
    public String nonce() {
        return nonce;
    }

    /** Why nothing is sent; null when a response is sent. */
    public Why why() {
        return why;
    }

    @Override
    public String toString() {
        return sends() ? "send " + typeUrl + " version " + version + " nonce " + nonce
                : "nothing for " + typeUrl + ": " + why;
    }
}
