package io.nacosistio.plugin.document;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad document gets its own specific error, and the good document next to it is still
 * accepted.
 */
class DocumentErrorsTest {

    private static final String GOOD = "apiVersion: networking.istio.io/v1\n"
            + "kind: DestinationRule\n"
            + "metadata:\n"
            + "  name: good\n"
            + "spec:\n"
            + "  host: good.default-group.public.nacos\n";

    private final ConfigDocuments documents = new ConfigDocuments(512 * 1024);

    private static String vs(String name, String spec) {
        return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: " + name + "\nspec:\n"
                + spec;
    }

    private static final String ROUTE = "  hosts: [a.b.nacos]\n  http:\n  - route:\n    - destination:\n"
            + "        host: a.b.nacos\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        unknown kind      | apiVersion: networking.istio.io/v1\\nkind: VirtualServise\\nmetadata:\\n  name: x\\nspec: {}     | kind: 'VirtualServise' (networking.istio.io/v1) is not a kind the config center serves
        unknown version   | apiVersion: networking.istio.io/v2\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec: {}     | apiVersion: 'networking.istio.io/v2' is not an apiVersion of VirtualService; use one of networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3
        missing name      | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata:\\n  namespace: a\\nspec: {}   | metadata.name: required
        invalid name      | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata:\\n  name: My_Gateway\\nspec: {} | metadata.name: 'My_Gateway' is not a valid name
        missing spec      | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata:\\n  name: gw               | spec: required
        unknown field     | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: [a.b.nacos]\\n  http:\\n  - rout: []          | spec.http[0].rout: unknown field; did you mean route?
        wrong type        | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: a.b.nacos          | spec.hosts: expected a list, got 'a.b.nacos'
        number for string | apiVersion: networking.istio.io/v1\\nkind: DestinationRule\\nmetadata:\\n  name: x\\nspec:\\n  host: 42           | spec.host: expected a string, got number 42; quote the value
        bad enum          | apiVersion: security.istio.io/v1\\nkind: PeerAuthentication\\nmetadata:\\n  name: x\\nspec:\\n  mtls:\\n    mode: STRICTLY | spec.mtls.mode: 'STRICTLY' is not one of UNSET, DISABLE, PERMISSIVE, STRICT
        bad duration      | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: [a.b.nacos]\\n  http:\\n  - timeout: 10 seconds\\n    route:\\n    - destination:\\n        host: a.b.nacos | spec.http[0].timeout: expected a duration such as 5s, 100ms or 1m30s, got '10 seconds'
        oneof clash       | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: [a.b.nacos]\\n  http:\\n  - match:\\n    - uri: {exact: /a, prefix: /b}\\n    route:\\n    - destination:\\n        host: a.b.nacos | spec.http[0].match[0].uri.prefix: cannot be set together with exact
        out of range      | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata:\\n  name: x\\nspec:\\n  servers:\\n  - port: {number: -1, name: http, protocol: HTTP}\\n    hosts: ['*'] | spec.servers[0].port.number: -1 is out of range 0..4294967295
        invalid host      | apiVersion: networking.istio.io/v1\\nkind: DestinationRule\\nmetadata:\\n  name: x\\nspec:\\n  host: bad_host!.nacos | spec.host: 'bad_host!.nacos' has an invalid DNS label 'bad_host!'
        bad label         | apiVersion: networking.istio.io/v1\\nkind: DestinationRule\\nmetadata:\\n  name: x\\n  labels:\\n    app: 'a b'\\nspec:\\n  host: a.nacos | metadata.labels['app']: 'app: a b' is not a valid label
        no route          | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: [a.b.nacos]\\n  http:\\n  - timeout: 1s | spec.http[0]: one of route, redirect, directResponse or delegate is required
        mesh wildcard     | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: ['*']\\n  tcp:\\n  - route:\\n    - destination: {host: a.b.nacos} | spec.hosts[0]: '*' is not allowed for a VirtualService bound to the mesh gateway
        abort status      | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: [a.nacos]\\n  http:\\n  - fault: {abort: {httpStatus: 700}}\\n    route:\\n    - destination: {host: a.nacos} | spec.http[0].fault.abort.httpStatus: 700 is not an HTTP status (200-599)
        retry policy      | apiVersion: networking.istio.io/v1\\nkind: VirtualService\\nmetadata:\\n  name: x\\nspec:\\n  hosts: [a.nacos]\\n  http:\\n  - retries: {attempts: 3, retryOn: 5xx;reset}\\n    route:\\n    - destination: {host: a.nacos} | spec.http[0].retries.retryOn: '5xx;reset' is not a retry policy
        subset name dup   | apiVersion: networking.istio.io/v1\\nkind: DestinationRule\\nmetadata:\\n  name: x\\nspec:\\n  host: a.nacos\\n  subsets:\\n  - {name: v1, labels: {v: '1'}}\\n  - {name: v1, labels: {v: '2'}} | spec.subsets[1].name: duplicate subset name 'v1'
        mutual tls files  | apiVersion: networking.istio.io/v1\\nkind: DestinationRule\\nmetadata:\\n  name: x\\nspec:\\n  host: a.nacos\\n  trafficPolicy:\\n    tls: {mode: MUTUAL} | spec.trafficPolicy.tls.clientCertificate: required for mode MUTUAL
        https needs tls   | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata:\\n  name: x\\nspec:\\n  servers:\\n  - port: {number: 443, name: https, protocol: HTTPS}\\n    hosts: ['*/a.example.com'] | spec.servers[0].tls: required for protocol HTTPS
        gateway no hosts  | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata:\\n  name: x\\nspec:\\n  servers:\\n  - port: {number: 80, name: http, protocol: HTTP} | spec.servers[0].hosts: at least one host is required
        sidecar host form | apiVersion: networking.istio.io/v1\\nkind: Sidecar\\nmetadata:\\n  name: x\\nspec:\\n  egress:\\n  - hosts: [reviews.nacos] | spec.egress[0].hosts[0]: 'reviews.nacos' must have the form namespace/host
        sidecar empty     | apiVersion: networking.istio.io/v1\\nkind: Sidecar\\nmetadata:\\n  name: x\\nspec: {} | spec: empty Sidecar
        se no hosts       | apiVersion: networking.istio.io/v1\\nkind: ServiceEntry\\nmetadata:\\n  name: x\\nspec:\\n  ports: [{number: 80, name: http, protocol: HTTP}] | spec.hosts: at least one host is required
        we bad address    | apiVersion: networking.istio.io/v1\\nkind: WorkloadEntry\\nmetadata:\\n  name: x\\nspec:\\n  address: 'not an address' | spec.address: 'not an address' is not an IP address, host name or unix:// path
        authz custom      | apiVersion: security.istio.io/v1\\nkind: AuthorizationPolicy\\nmetadata:\\n  name: x\\nspec:\\n  action: CUSTOM\\n  rules: [{}] | spec.provider.name: required for action CUSTOM
        authz empty from  | apiVersion: security.istio.io/v1\\nkind: AuthorizationPolicy\\nmetadata:\\n  name: x\\nspec:\\n  rules:\\n  - from: [{source: {}}] | spec.rules[0].from[0].source: must not be empty
        authz bad key     | apiVersion: security.istio.io/v1\\nkind: AuthorizationPolicy\\nmetadata:\\n  name: x\\nspec:\\n  rules:\\n  - when: [{key: request.header, values: [a]}] | spec.rules[0].when[0].key: 'request.header' is not a supported condition key
        authz bad cidr    | apiVersion: security.istio.io/v1\\nkind: AuthorizationPolicy\\nmetadata:\\n  name: x\\nspec:\\n  rules:\\n  - from: [{source: {ipBlocks: [10.0.0.0/33]}}] | spec.rules[0].from[0].source.ipBlocks[0]: '10.0.0.0/33' is not an IP address or CIDR block
        pa port no sel    | apiVersion: security.istio.io/v1\\nkind: PeerAuthentication\\nmetadata:\\n  name: x\\nspec:\\n  portLevelMtls:\\n    8080: {mode: DISABLE} | spec.portLevelMtls: needs a workload selector
        jwt no issuer     | apiVersion: security.istio.io/v1\\nkind: RequestAuthentication\\nmetadata:\\n  name: x\\nspec:\\n  jwtRules: [{jwksUri: 'https://a.example.com/jwks'}] | spec.jwtRules[0].issuer: required
        top-level typo    | apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadat:\\n  name: x\\nspec: {} | metadat: unknown top-level field
        traffic extension | apiVersion: extensions.istio.io/v1alpha1\\nkind: TrafficExtension\\nmetadata:\\n  name: x\\nspec: {} | kind: 'TrafficExtension' (extensions.istio.io/v1alpha1) is not a kind the config center serves
        """)
    void eachBadDocumentHasItsSpecificErrorAndTheGoodOneIsServed(String label, String bad, String expected) {
        String content = GOOD + "---\n" + bad.replace("\\n", "\n") + "\n";

        ConfigDocuments.Result result = documents.read(content);

        List<String> accepted = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (DocumentParser.Outcome o : result.outcomes()) {
            if (o.accepted()) {
                accepted.add(o.document().name());
            }
            o.problems().forEach(p -> problems.add(p.toString()));
        }
        assertThat(accepted).containsExactly("good");
        assertThat(problems).as(label).anySatisfy(p -> assertThat(p).contains("document #2").contains(expected));
    }

    @Test
    void malformedYamlKeepsTheDocumentsBeforeItAndMarksTheContentIncomplete() {
        ConfigDocuments.Result result = documents.read(GOOD + "---\nkind: [unclosed\n");

        assertThat(result.outcomes()).hasSize(1);
        assertThat(result.outcomes().get(0).accepted()).isTrue();
        assertThat(result.complete()).isFalse();
        assertThat(result.contentProblems()).singleElement().asString()
                .startsWith("document #2: not valid YAML or JSON:");
    }

    @Test
    void duplicateKeysAreAnError() {
        ConfigDocuments.Result result = documents.read(GOOD + "---\n" + vs("x", ROUTE) + "  hosts: [c.nacos]\n");

        assertThat(result.complete()).isFalse();
        assertThat(result.contentProblems()).singleElement().asString().contains("duplicate key hosts");
    }

    @Test
    void contentOverTheLimitIsRefusedAsAWholeWithItsSize() {
        StringBuilder huge = new StringBuilder(GOOD).append("---\n").append(vs("big", ROUTE)).append("  exportTo: [");
        while (huge.length() < 1024 * 1024) {
            huge.append("\"ns-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",");
        }
        huge.append("\"x\"]\n");

        ConfigDocuments.Result result = documents.read(huge.toString());

        assertThat(result.outcomes()).isEmpty();
        assertThat(result.complete()).isFalse();
        assertThat(result.contentProblems()).singleElement().asString()
                .contains("more than the 524288 allowed (nacos.mesh.config.max-content-size)");
    }

    @Test
    void binaryGarbageIsRefusedWithoutAnException() {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        String garbage = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);

        ConfigDocuments.Result result = documents.read(garbage);

        assertThat(result.complete()).isFalse();
        assertThat(result.outcomes()).noneMatch(DocumentParser.Outcome::accepted);
        List<String> all = new ArrayList<>();
        result.contentProblems().forEach(p -> all.add(p.toString()));
        result.outcomes().forEach(o -> o.problems().forEach(p -> all.add(p.toString())));
        assertThat(all).isNotEmpty();
    }

    @Test
    void aScalarDocumentIsNotAMapping() {
        ConfigDocuments.Result result = documents.read("just some text\n---\n" + GOOD);

        assertThat(result.outcomes()).singleElement().matches(DocumentParser.Outcome::accepted);
        assertThat(result.contentProblems()).singleElement().asString()
                .isEqualTo("document #1: a document must be a mapping with apiVersion, kind, metadata and spec, "
                        + "not a string");
    }

    @Test
    void aliasBombIsRefused() {
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                + "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";

        ConfigDocuments.Result result = documents.read(bomb);

        assertThat(result.complete()).isFalse();
        assertThat(result.contentProblems()).singleElement().asString().contains("aliases");
    }

    @Test
    void jsonListAndKubernetesListsHoldSeveralDocuments() {
        String json = "[{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"DestinationRule\","
                + "\"metadata\":{\"name\":\"a\"},\"spec\":{\"host\":\"a.nacos\"}},"
                + "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"DestinationRule\","
                + "\"metadata\":{\"name\":\"b\"},\"spec\":{\"host\":\"b.nacos\"}}]";
        String list = "apiVersion: v1\nkind: List\nitems:\n- " + GOOD.replace("\n", "\n  ").trim() + "\n";

        assertThat(documents.read(json).outcomes()).extracting(o -> o.document().name()).containsExactly("a", "b");
        assertThat(documents.read(list).outcomes()).extracting(o -> o.document().name()).containsExactly("good");
    }

    @Test
    void kubernetesDurationsAndServerSetMetadataAreAccepted() {
        String doc = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\n"
                + "  resourceVersion: '123'\n  uid: 0b4d\n  creationTimestamp: 2024-01-01T00:00:00Z\n"
                + "spec:\n  host: d.nacos\n  trafficPolicy:\n    outlierDetection:\n      interval: 1m30s\n"
                + "      baseEjectionTime: 250ms\n";

        DocumentParser.Outcome outcome = documents.read(doc).outcomes().get(0);

        assertThat(outcome.problems()).isEmpty();
        var od = ((io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule) outcome.document().spec())
                .getTrafficPolicy().getOutlierDetection();
        assertThat(od.getInterval().getSeconds()).isEqualTo(90);
        assertThat(od.getBaseEjectionTime().getNanos()).isEqualTo(250_000_000);
    }
}
