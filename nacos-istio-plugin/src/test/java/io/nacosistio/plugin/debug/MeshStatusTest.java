package io.nacosistio.plugin.debug;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeshStatusTest {

    private static final String STREAMS = """
            [{"id": 1, "peer": "/10.0.0.5:43122", "nodeId": "istiod-1", "types": [
              {"typeUrl": "networking.istio.io/v1/ServiceEntry", "versionSent": "b2", "versionAcked": "b1",
               "versionNacked": "b2", "lastNackMessage": "bad port", "lastNonce": "n2", "awaitingReply": false,
               "responses": 2, "acks": 1, "nacks": 1, "staleRequests": 0},
              {"typeUrl": "networking.istio.io/v1/VirtualService", "versionSent": "v1", "versionAcked": "v1",
               "versionNacked": null, "lastNackMessage": null, "lastNonce": "n1", "awaitingReply": false,
               "responses": 1, "acks": 1, "nacks": 0, "staleRequests": 0},
              {"typeUrl": "networking.istio.io/v1/Gateway", "versionSent": "g2", "versionAcked": "g1",
               "versionNacked": null, "lastNackMessage": null, "lastNonce": "n3", "awaitingReply": true,
               "responses": 2, "acks": 1, "nacks": 0, "staleRequests": 0}]}]
            """;
    private static final String SKIPPED = """
            {"skipped": [{"namespace": "public", "group": "DEFAULT_GROUP", "service": "broken", "sinceEpochMillis": 1,
              "reasons": ["metadata istio.port='x' is not a port number in 1-65535"]}],
             "servedPerNamespace": {"public": 3}}
            """;

    @Test
    void eachKindOfEachIstiodGetsALineWithItsStatusAndTheSkippedServicesTheirReasons() {
        String out = MeshStatus.render(STREAMS, SKIPPED);
        assertThat(out.lines()).anySatisfy(l -> assertThat(l).matches(
                "ISTIOD\\s+PEER\\s+KIND\\s+STATUS\\s+SENT\\s+ACKED\\s+NACKED"));
        assertThat(out.lines()).anySatisfy(l -> assertThat(l).matches(
                "istiod-1\\s+/10\\.0\\.0\\.5:43122\\s+networking\\.istio\\.io/v1/ServiceEntry\\s+NACKED\\s+b2\\s+b1\\s+b2"));
        assertThat(out.lines()).anySatisfy(l -> assertThat(l).matches(
                "\\s*networking\\.istio\\.io/v1/VirtualService\\s+SYNCED\\s+v1\\s+v1\\s+-"));
        assertThat(out.lines()).anySatisfy(l -> assertThat(l).matches(
                "\\s*networking\\.istio\\.io/v1/Gateway\\s+STALE\\s+g2\\s+g1\\s+-"));
        assertThat(out).contains("NACK from istiod-1 for networking.istio.io/v1/ServiceEntry version b2: bad port")
                .contains("Served ServiceEntries per namespace: public 3")
                .contains("Skipped services (1):")
                .contains("  public/DEFAULT_GROUP/broken: metadata istio.port='x' is not a port number in 1-65535");
    }

    @Test
    void theFirstLineSaysWhetherIstiodIsAnsweredYetAndWhatIsMissing() {
        String holding = MeshStatus.render("""
                {"state": "WAITING", "answering": false, "waitedMillis": 3200, "maxWaitMillis": 120000,
                 "timedOut": false, "notReadyWhenOpened": [], "parts": [
                  {"part": "naming-ephemeral", "state": "NOT_READY", "detail": "Distro is still loading"},
                  {"part": "config", "state": "READY", "detail": "external database"}]}
                """, "[]", "{\"skipped\": [], \"servedPerNamespace\": {}}");
        assertThat(holding.lines().findFirst().orElseThrow()).isEqualTo("Readiness: HOLDING answers to istiod for "
                + "3200 ms so far (at most 120000 ms), state WAITING; not ready: naming-ephemeral (Distro is still loading)");
        String open = MeshStatus.render("""
                {"state": "OPEN", "answering": true, "waitedMillis": 0, "maxWaitMillis": 120000, "timedOut": false,
                 "notReadyWhenOpened": [], "parts": [{"part": "config", "state": "READY", "detail": "standalone"}]}
                """, "[]", "{\"skipped\": [], \"servedPerNamespace\": {}}");
        assertThat(open.lines().findFirst().orElseThrow())
                .isEqualTo("Readiness: answering istiod (data complete at start)");
        String late = MeshStatus.render("""
                {"state": "OPEN", "answering": true, "waitedMillis": 120000, "maxWaitMillis": 120000, "timedOut": true,
                 "notReadyWhenOpened": ["naming-persistent (no leader)"], "parts": [
                  {"part": "naming-persistent", "state": "NOT_READY", "detail": "no leader"}]}
                """, "[]", "{\"skipped\": [], \"servedPerNamespace\": {}}");
        assertThat(late.lines().findFirst().orElseThrow()).isEqualTo("Readiness: answering istiod (released at the "
                + "bound after 120000 ms with data missing); not ready now: naming-persistent (no leader)");
    }

    @Test
    void noIstiodAndNothingSkippedAreSaidSo() {
        String out = MeshStatus.render("[]", "{\"skipped\": [], \"servedPerNamespace\": {}}");
        assertThat(out).contains("No istiod is connected.").contains("Skipped services: none");
    }
}
