package io.nacosistio.plugin.server.stream;

import io.nacosistio.plugin.concurrent.Confined;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The MCP-over-xDS protocol of one state-of-the-world stream, without a network: requests and the cache's
 * current versions go in, decisions come out ({@link RequestKind} for a request, {@link Decision} for a type:
 * send this version under this nonce, or nothing and why). The gRPC adapter executes the decisions.
 *
 * <p>Rules:
 * <ul>
 *   <li>The first request for a type is answered whatever its nonce says; a type URL this server does not know
 *       is answered too (empty), so that the client never waits for it.</li>
 *   <li>A request carrying the latest nonce is the client's answer: an ACK, or a NACK when it has an error.
 *       Any other nonce is stale and changes nothing.</li>
 *   <li>A type is sent only when the client has answered its previous response and the version differs from
 *       the last one sent: a NACKed version is never re-sent in a loop, and a client that reads slowly has one
 *       response per type in flight and then gets the newest version, skipping those in between.</li>
 *   <li>There is no unsubscribe and no resource-name change: every MCP type is a wildcard subscription (istiod
 *       asks for everything of a type), so resource names are not read, an empty list never unsubscribes, and
 *       a subscribed type stays subscribed until the stream ends.</li>
 *   <li>A request without a type URL ends the stream: an aggregated stream cannot tell what it asks for.</li>
 * </ul>
 * Nonces are this stream's counter; a nonce is recorded when the decision to send is made, before the response
 * leaves, so a fast ACK can never look stale.
 *
 * <p>Threading: not thread-safe. Confined to its stream's serial executor, which alone calls it.
 */
@Confined("its stream's SerialExecutor")
public final class StreamProtocol {

    private final Predicate<String> knownTypeUrl;
    private final Map<String, TypeSubscription> subscriptions = new LinkedHashMap<>();
    private long nonceCounter;

    /** @param knownTypeUrl whether this server serves a type URL (others are answered empty) */
    public StreamProtocol(Predicate<String> knownTypeUrl) {
        this.knownTypeUrl = knownTypeUrl;
    }

    /**
     * Classifies a request and records what it says.
     *
     * @param responseNonce the request's {@code response_nonce}
     * @param errorMessage  the request's {@code error_detail.message}, or null when it has no error detail
     */
    public RequestKind onRequest(String typeUrl, String responseNonce, String errorMessage) {
        if (typeUrl.isEmpty()) {
            return RequestKind.NO_TYPE_URL;
        }
        TypeSubscription subscription = subscriptions.get(typeUrl);
        if (subscription == null) {
            subscriptions.put(typeUrl, new TypeSubscription(typeUrl));
            return knownTypeUrl.test(typeUrl) ? RequestKind.INITIAL : RequestKind.INITIAL_UNKNOWN_TYPE;
        }
        return subscription.onRequest(responseNonce, errorMessage);
    }

    /**
     * Whether the type's current version goes out now; a send is recorded (version, nonce, awaiting the reply)
     * and must then be handed to the transport. Ask only when the transport can take a response.
     */
    public Decision respond(String typeUrl, String currentVersion) {
        TypeSubscription subscription = subscriptions.get(typeUrl);
        if (subscription == null) {
            return Decision.nothing(typeUrl, Decision.Why.NOT_SUBSCRIBED);
        }
        if (subscription.awaitingReply()) {
            return Decision.nothing(typeUrl, Decision.Why.AWAITING_REPLY);
        }
        if (currentVersion.equals(subscription.lastVersionSent())) {
            return Decision.nothing(typeUrl, Decision.Why.VERSION_ALREADY_SENT);
        }
        String nonce = Long.toString(++nonceCounter);
        subscription.recordSent(currentVersion, nonce);
        return Decision.send(typeUrl, currentVersion, nonce);
    }

    /** The subscribed type URLs, in the order the client first asked for them. */
    public List<String> typeUrls() {
        return new ArrayList<>(subscriptions.keySet());
    }

    /** The state of one subscribed type, or null; for the adapter's log lines. */
    public TypeSubscription subscription(String typeUrl) {
        return subscriptions.get(typeUrl);
    }

    /** Every subscription's state, in subscription order; for the debug view. */
    public Collection<TypeSubscription> subscriptions() {
        return Collections.unmodifiableCollection(subscriptions.values());
    }
}
