package io.nacosistio.plugin.server;

import java.util.List;

/** A snapshot of one stream for the debug view. Immutable. */
public final class StreamInfo {

    public final long id;
    public final String peer;
    public final String nodeId;
    public final List<TypeInfo> types;

    StreamInfo(long id, String peer, String nodeId, List<TypeInfo> types) {
        this.id = id;
        this.peer = peer;
        this.nodeId = nodeId;
        this.types = types;
    }

    /** One subscribed type URL of a stream. */
    public static final class TypeInfo {
        public final String typeUrl;
        public final String versionSent;
        public final String versionAcked;
        public final String lastNonce;
        public final boolean awaitingReply;
        public final long responses;
        public final long acks;
        public final long nacks;
        public final String versionNacked;
        public final String lastNackMessage;
        public final long staleRequests;

        TypeInfo(String typeUrl, String versionSent, String versionAcked, String lastNonce, boolean awaitingReply,
                long responses, long acks, long nacks, String versionNacked, String lastNackMessage,
                long staleRequests) {
            this.typeUrl = typeUrl;
            this.versionSent = versionSent;
            this.versionAcked = versionAcked;
            this.lastNonce = lastNonce;
            this.awaitingReply = awaitingReply;
            this.responses = responses;
            this.acks = acks;
            this.nacks = nacks;
            this.versionNacked = versionNacked;
            this.lastNackMessage = lastNackMessage;
            this.staleRequests = staleRequests;
        }
    }
}
