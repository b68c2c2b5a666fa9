package io.nacosistio.plugin.server.stream;

/** How a DiscoveryRequest relates to what was already sent for its type on its stream. */
public enum RequestKind {
    /** First request for a type on this stream, whatever its nonce says: answer at once. */
    SUBSCRIBE,
    /** Carries the latest nonce sent and no error: the client applied that response. */
    ACK,
    /** Carries the latest nonce sent and an error: the client rejected that response. */
    NACK,
    /** Carries a nonce other than the latest sent: a reply to an older response, ignored. */
    STALE
}
