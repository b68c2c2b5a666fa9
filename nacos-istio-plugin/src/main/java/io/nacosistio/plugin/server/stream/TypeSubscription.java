package io.nacosistio.plugin.server.stream;

/**
 * The protocol state of one type URL on one stream: what was last sent, whether the client has
 * answered it, and the last rejection. A pure object; the stream's serial executor owns it.
 *
 * <p>Rules: a response is sent only when the client has answered the previous one (ACK or NACK) and the
 * type's version differs from the last version sent, so a NACKed version is never re-sent in a loop and
 * a client that stops reading has at most one response per type outstanding. The nonce is recorded
 * before the response leaves, so a fast ACK can never look stale.
 */
public final class TypeSubscription {

    private final String typeUrl;
    private String lastNonceSent;
    private String lastVersionSent;
    private String lastVersionAcked;
    private String lastVersionNacked;
    private String lastNackMessage;
    private boolean awaitingReply;
    private long responsesSent;
    private long acks;
    private long nacks;
    private long staleRequests;

    public TypeSubscription(String typeUrl) {
        this.typeUrl = typeUrl;
    }

    /**
     * Classifies a request for this type and updates the state accordingly.
     *
     * @param responseNonce the request's {@code response_nonce}
     * @param errorMessage  the request's {@code error_detail.message}, or null when it has no error detail
     */
    public RequestKind onRequest(String responseNonce, String errorMessage) {
        if (lastNonceSent == null) {
            // istiod sends a timestamp as the nonce of its first request; nothing was sent yet, so it is new.
            return RequestKind.SUBSCRIBE;
        }
        if (!lastNonceSent.equals(responseNonce)) {
            staleRequests++;
            return RequestKind.STALE;
        }
        awaitingReply = false;
        if (errorMessage != null) {
            nacks++;
            lastVersionNacked = lastVersionSent;
            lastNackMessage = errorMessage;
            return RequestKind.NACK;
        }
        acks++;
        lastVersionAcked = lastVersionSent;
        return RequestKind.ACK;
    }

    /** Whether a response carrying {@code currentVersion} should be sent now. */
    public boolean shouldSend(String currentVersion) {
        return !awaitingReply && !currentVersion.equals(lastVersionSent);
    }

    /** Records a response about to be sent; call before handing it to the transport. */
    public void recordSent(String version, String nonce) {
        lastVersionSent = version;
        lastNonceSent = nonce;
        awaitingReply = true;
        responsesSent++;
    }

    public String typeUrl() {
        return typeUrl;
    }

    public String lastNonceSent() {
        return lastNonceSent;
    }

    public String lastVersionSent() {
        return lastVersionSent;
    }

    public String lastVersionAcked() {
        return lastVersionAcked;
    }

    public String lastVersionNacked() {
        return lastVersionNacked;
    }

    public String lastNackMessage() {
        return lastNackMessage;
    }

    public boolean awaitingReply() {
        return awaitingReply;
    }

    public long responsesSent() {
        return responsesSent;
    }

    public long acks() {
        return acks;
    }

    public long nacks() {
        return nacks;
    }

    public long staleRequests() {
        return staleRequests;
    }
}
