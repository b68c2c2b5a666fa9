package io.nacosistio.plugin.server.stream;

/**
 * The named cases of a DiscoveryRequest on one stream, after istiod's own (pilot/pkg/xds, {@code ShouldRespond}):
 * what the request means given what was already sent for its type.
 */
public enum RequestKind {
    /**
     * First request for a known type on this stream, whatever its nonce and version say (istiod puts a
     * timestamp in the nonce; a reconnecting client names what it had from another stream): answer at once.
     */
    INITIAL,
    /** First request for a type URL this server does not know: answered at once with an empty set. */
    INITIAL_UNKNOWN_TYPE,
    /** Carries the latest nonce sent and no error: the client applied that response. */
    ACK,
    /** Carries the latest nonce sent and an error: the client rejected that response; its version is not re-sent. */
    NACK,
    /** Carries a nonce other than the latest sent: a reply to an older response, ignored. */
    STALE_NONCE,
    /** No type URL: an aggregated stream cannot tell what is asked for, so the stream ends. */
    NO_TYPE_URL;

    /** Whether this request ends the stream (with INVALID_ARGUMENT). */
    public boolean endsStream() {
        return this == NO_TYPE_URL;
    }

    /** Whether this request changed what the stream may send (a new subscription, or the client's answer). */
    public boolean mayUnblockASend() {
        return this != STALE_NONCE && this != NO_TYPE_URL;
    }
}
