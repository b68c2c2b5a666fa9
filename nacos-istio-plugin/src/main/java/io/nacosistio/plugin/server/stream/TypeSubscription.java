package io.nacosistio.plugin.server.stream;

import io.nacosistio.plugin.concurrent.Confined;

/**
 * The protocol state of one type URL on one stream: what was last sent, whether the client has answered it,
 * and the last rejection. Changed only by {@link StreamProtocol} (the rules are there); read by the debug view.
 * Confined like its protocol object.
 */
@Confined("its stream's SerialExecutor")
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

    TypeSubscription(String typeUrl) {
        this.typeUrl = typeUrl;
    }

    /** Classifies a request for this type and updates the state; {@code errorMessage} is null for no error. */
    RequestKind onRequest(String responseNonce, String errorMessage) {
        if (lastNonceSent == null) {
            // istiod sends a timestamp as the nonce of its first request; nothing was sent yet, so it is new.
            return RequestKind.INITIAL;
        }
        if (!lastNonceSent.equals(responseNonce)) {
            staleRequests++;
            return RequestKind.STALE_NONCE;
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

    /** Records a response about to be sent; called before it is handed to the transport. */
    void recordSent(String version, String nonce) {
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
