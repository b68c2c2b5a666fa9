package io.nacosistio.plugin.server.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TypeSubscriptionTest {

    private final TypeSubscription s = new TypeSubscription("networking.istio.io/v1/ServiceEntry");

    @Test
    void theFirstRequestSubscribesWhateverItsNonceSays() {
        assertThat(s.onRequest("2026-11-24 10:00:00.123 +0000 UTC m=+0.01", null)).isEqualTo(RequestKind.SUBSCRIBE);
        assertThat(s.shouldSend("v1")).isTrue();
    }

    @Test
    void anAckOfTheLatestNonceAllowsTheNextVersion() {
        s.onRequest("t0", null);
        s.recordSent("v1", "1");
        assertThat(s.shouldSend("v2")).as("previous response not answered yet").isFalse();
        assertThat(s.onRequest("1", null)).isEqualTo(RequestKind.ACK);
        assertThat(s.lastVersionAcked()).isEqualTo("v1");
        assertThat(s.shouldSend("v1")).as("same version is not re-sent").isFalse();
        assertThat(s.shouldSend("v2")).isTrue();
    }

    @Test
    void aNackIsRecordedAndTheSameVersionIsNeverResent() {
        s.onRequest("t0", null);
        s.recordSent("v1", "1");
        assertThat(s.onRequest("1", "bad port")).isEqualTo(RequestKind.NACK);
        assertThat(s.lastVersionNacked()).isEqualTo("v1");
        assertThat(s.lastNackMessage()).isEqualTo("bad port");
        assertThat(s.nacks()).isEqualTo(1);
        assertThat(s.shouldSend("v1")).isFalse();
        assertThat(s.shouldSend("v2")).isTrue();
    }

    @Test
    void aRequestWithAnOlderNonceIsStale() {
        s.onRequest("t0", null);
        s.recordSent("v1", "1");
        s.onRequest("1", null);
        s.recordSent("v2", "2");
        assertThat(s.onRequest("1", null)).isEqualTo(RequestKind.STALE);
        assertThat(s.onRequest("", null)).isEqualTo(RequestKind.STALE);
        assertThat(s.staleRequests()).isEqualTo(2);
        assertThat(s.awaitingReply()).as("a stale request does not count as an answer").isTrue();
        assertThat(s.onRequest("2", null)).isEqualTo(RequestKind.ACK);
    }

    @Test
    void theNonceIsRecordedBeforeSending() {
        s.onRequest("t0", null);
        s.recordSent("v1", "7");
        assertThat(s.lastNonceSent()).isEqualTo("7");
        assertThat(s.responsesSent()).isEqualTo(1);
    }
}
