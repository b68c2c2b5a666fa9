package io.nacosistio.plugin.server.stream;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol core of one stream, one named case per test: requests and versions in, decisions out. */
class StreamProtocolTest {

    private static final String SE = "networking.istio.io/v1/ServiceEntry";
    private static final String VS = "networking.istio.io/v1/VirtualService";
    private static final String UNKNOWN = "gateway.networking.k8s.io/v1/HTTPRoute";
    private static final String ISTIOD_FIRST_NONCE = "2026-11-24 10:00:00.123 +0000 UTC m=+0.01";

    private final StreamProtocol protocol = new StreamProtocol(Set.of(SE, VS)::contains);

    /** Subscribes and sends the first version; returns its nonce. */
    private String subscribedAndSent(String typeUrl, String version) {
        protocol.onRequest(typeUrl, ISTIOD_FIRST_NONCE, null);
        return sent(protocol.respond(typeUrl, version), typeUrl, version);
    }

    private static String sent(Decision decision, String typeUrl, String version) {
        assertThat(decision.sends()).as(decision.toString()).isTrue();
        assertThat(decision.typeUrl()).isEqualTo(typeUrl);
        assertThat(decision.version()).isEqualTo(version);
        return decision.nonce();
    }

    private static void nothing(Decision decision, Decision.Why why) {
        assertThat(decision.sends()).as(decision.toString()).isFalse();
        assertThat(decision.why()).isEqualTo(why);
    }

    @Test
    void initialRequestIsAnsweredWhateverItsNonceSays() {
        assertThat(protocol.onRequest(SE, ISTIOD_FIRST_NONCE, null)).isEqualTo(RequestKind.INITIAL);
        Decision d = protocol.respond(SE, "v1");
        assertThat(sent(d, SE, "v1")).isEqualTo("1");
        assertThat(protocol.subscription(SE).awaitingReply()).isTrue();
    }

    @Test
    void initialRequestOfAReconnectingClientIsANewSubscriptionDespiteItsOldNonce() {
        // A client coming back from another stream (or another node) names that stream's nonce.
        assertThat(protocol.onRequest(SE, "17", null)).isEqualTo(RequestKind.INITIAL);
        sent(protocol.respond(SE, "v1"), SE, "v1");
        assertThat(protocol.subscription(SE).staleRequests()).isZero();
    }

    @Test
    void repeatedInitialRequestBeforeAnyResponseIsStillInitial() {
        // While answers are held nothing is sent; a client repeating its request is not stale.
        protocol.onRequest(SE, ISTIOD_FIRST_NONCE, null);
        assertThat(protocol.onRequest(SE, "another timestamp", null)).isEqualTo(RequestKind.INITIAL);
        assertThat(protocol.subscription(SE).staleRequests()).isZero();
        sent(protocol.respond(SE, "v1"), SE, "v1");
    }

    @Test
    void unknownTypeUrlIsAnInitialRequestOfItsOwnKindAndIsAnswered() {
        assertThat(protocol.onRequest(UNKNOWN, ISTIOD_FIRST_NONCE, null)).isEqualTo(RequestKind.INITIAL_UNKNOWN_TYPE);
        sent(protocol.respond(UNKNOWN, "empty"), UNKNOWN, "empty");
        assertThat(protocol.onRequest(UNKNOWN, "1", null)).as("answered like any type").isEqualTo(RequestKind.ACK);
    }

    @Test
    void requestWithoutATypeUrlEndsTheStream() {
        RequestKind kind = protocol.onRequest("", ISTIOD_FIRST_NONCE, null);
        assertThat(kind).isEqualTo(RequestKind.NO_TYPE_URL);
        assertThat(kind.endsStream()).isTrue();
        assertThat(protocol.typeUrls()).isEmpty();
    }

    @Test
    void typeNeverRequestedIsNotSent() {
        nothing(protocol.respond(SE, "v1"), Decision.Why.NOT_SUBSCRIBED);
    }

    @Test
    void ackOfTheLatestNonceLetsTheNextVersionGo() {
        String nonce = subscribedAndSent(SE, "v1");
        nothing(protocol.respond(SE, "v2"), Decision.Why.AWAITING_REPLY);
        assertThat(protocol.onRequest(SE, nonce, null)).isEqualTo(RequestKind.ACK);
        assertThat(protocol.subscription(SE).lastVersionAcked()).isEqualTo("v1");
        assertThat(protocol.subscription(SE).acks()).isEqualTo(1);
        sent(protocol.respond(SE, "v2"), SE, "v2");
    }

    @Test
    void ackedVersionIsNotSentAgain() {
        protocol.onRequest(SE, subscribedAndSent(SE, "v1"), null);
        nothing(protocol.respond(SE, "v1"), Decision.Why.VERSION_ALREADY_SENT);
    }

    @Test
    void nackIsRecordedAndTheSameVersionIsNotResent() {
        String nonce = subscribedAndSent(SE, "v1");
        assertThat(protocol.onRequest(SE, nonce, "spec.hosts[0]: invalid")).isEqualTo(RequestKind.NACK);
        TypeSubscription s = protocol.subscription(SE);
        assertThat(s.lastVersionNacked()).isEqualTo("v1");
        assertThat(s.lastNackMessage()).isEqualTo("spec.hosts[0]: invalid");
        assertThat(s.nacks()).isEqualTo(1);
        assertThat(s.lastVersionAcked()).isNull();
        nothing(protocol.respond(SE, "v1"), Decision.Why.VERSION_ALREADY_SENT);
        sent(protocol.respond(SE, "v2"), SE, "v2");
    }

    @Test
    void staleNonceChangesNothing() {
        String first = subscribedAndSent(SE, "v1");
        protocol.onRequest(SE, first, null);
        String second = sent(protocol.respond(SE, "v2"), SE, "v2");
        assertThat(protocol.onRequest(SE, first, null)).isEqualTo(RequestKind.STALE_NONCE);
        assertThat(protocol.onRequest(SE, "", "an error about an old response")).isEqualTo(RequestKind.STALE_NONCE);
        TypeSubscription s = protocol.subscription(SE);
        assertThat(s.staleRequests()).isEqualTo(2);
        assertThat(s.nacks()).as("an error on a stale request is no NACK").isZero();
        assertThat(s.awaitingReply()).as("a stale request is no answer").isTrue();
        nothing(protocol.respond(SE, "v3"), Decision.Why.AWAITING_REPLY);
        assertThat(protocol.onRequest(SE, second, null)).isEqualTo(RequestKind.ACK);
        assertThat(RequestKind.STALE_NONCE.mayUnblockASend()).isFalse();
    }

    @Test
    void slowClientSkipsTheVersionsPublishedWhileItHadNotAnswered() {
        String nonce = subscribedAndSent(SE, "v1");
        for (int v = 2; v <= 9; v++) {
            nothing(protocol.respond(SE, "v" + v), Decision.Why.AWAITING_REPLY);
        }
        protocol.onRequest(SE, nonce, null);
        sent(protocol.respond(SE, "v10"), SE, "v10");
        assertThat(protocol.subscription(SE).responsesSent()).isEqualTo(2);
    }

    @Test
    void nonceIsRecordedWhenTheSendIsDecidedSoAnImmediateAckIsNoStale() {
        String nonce = subscribedAndSent(SE, "v1");
        assertThat(protocol.subscription(SE).lastNonceSent()).isEqualTo(nonce);
        assertThat(protocol.onRequest(SE, nonce, null)).isEqualTo(RequestKind.ACK);
    }

    @Test
    void typesAreIndependentAndNoncesUniqueOnTheStream() {
        String se = subscribedAndSent(SE, "s1");
        String vs = subscribedAndSent(VS, "v1");
        assertThat(vs).isNotEqualTo(se);
        assertThat(protocol.onRequest(VS, se, null)).as("another type's nonce").isEqualTo(RequestKind.STALE_NONCE);
        protocol.onRequest(SE, se, null);
        sent(protocol.respond(SE, "s2"), SE, "s2");
        nothing(protocol.respond(VS, "v2"), Decision.Why.AWAITING_REPLY);
        assertThat(protocol.typeUrls()).containsExactly(SE, VS);
    }
}
