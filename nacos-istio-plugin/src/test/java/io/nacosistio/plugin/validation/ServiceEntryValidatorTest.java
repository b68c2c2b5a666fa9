package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.ServicePort;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadSelector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each of istiod's ServiceEntry rules: a variant of a valid entry that breaks it, and the error it gets. */
class ServiceEntryValidatorTest {

    private static final ServiceEntry VALID = ServiceEntry.newBuilder()
            .addHosts("orders.default-group.public.nacos")
            .addPorts(ServicePort.newBuilder().setNumber(8080).setProtocol("HTTP").setName("http-8080"))
            .setLocation(ServiceEntry.Location.MESH_INTERNAL)
            .setResolution(ServiceEntry.Resolution.STATIC)
            .addEndpoints(WorkloadEntry.newBuilder().setAddress("10.0.0.1").putPorts("http-8080", 9090)
                    .putLabels("version", "v1").setWeight(1))
            .build();

    private final ServiceEntryValidator validator = new ServiceEntryValidator();

    static Stream<Arguments> rules() {
        return Stream.of(
                rule("no hosts", b -> b.clearHosts(), "spec.hosts: at least one host is required"),
                rule("star host", b -> b.setHosts(0, "*"), "'*' is not allowed"),
                rule("bad label", b -> b.setHosts(0, "orders_svc.nacos"), "invalid DNS label 'orders_svc'"),
                rule("numeric tld", b -> b.setHosts(0, "10.0.0.1"), "all-numeric top-level label"),
                rule("long label", b -> b.setHosts(0, "a".repeat(64) + ".nacos"), "invalid DNS label"),
                rule("long host", b -> b.setHosts(0, ("a".repeat(60) + ".").repeat(5) + "nacos"), "longer than 255"),
                rule("bad address", b -> b.addAddresses("not-an-ip"), "is not an IP address or CIDR"),
                rule("cidr with dns", b -> b.setResolution(ServiceEntry.Resolution.DNS).addAddresses("10.0.0.0/24")
                        .clearEndpoints(), "CIDR addresses are allowed only with resolution NONE or STATIC"),
                rule("port zero", b -> b.setPorts(0, b.getPorts(0).toBuilder().setNumber(0)), "0 is not in 1-65535"),
                rule("port too big", b -> b.setPorts(0, b.getPorts(0).toBuilder().setNumber(70000)),
                        "70000 is not in 1-65535"),
                rule("target port", b -> b.setPorts(0, b.getPorts(0).toBuilder().setTargetPort(70000)),
                        ".targetPort: 70000"),
                rule("duplicate name", b -> b.addPorts(ServicePort.newBuilder().setNumber(9090).setProtocol("HTTP")
                        .setName("http-8080")), "duplicate port name"),
                rule("duplicate number", b -> b.addPorts(ServicePort.newBuilder().setNumber(8080).setProtocol("TCP")
                        .setName("tcp-8080")), "duplicate port number 8080"),
                rule("bad port name", b -> b.setPorts(0, b.getPorts(0).toBuilder().setName("Http_8080")),
                        "is not a DNS-1123 label"),
                rule("empty port name", b -> b.setPorts(0, b.getPorts(0).toBuilder().setName("")),
                        "is not a DNS-1123 label"),
                rule("bad protocol", b -> b.setPorts(0, b.getPorts(0).toBuilder().setProtocol("DUBBO")),
                        "'DUBBO' is not a protocol Istio supports"),
                rule("multi host tcp", b -> b.addHosts("b.nacos").setPorts(0, b.getPorts(0).toBuilder()
                        .setProtocol("TCP").setName("tcp-8080")).setEndpoints(0, WorkloadEntry.newBuilder()
                        .setAddress("10.0.0.1")), "every port must be HTTP-based or TLS"),
                rule("none with endpoints", b -> b.setResolution(ServiceEntry.Resolution.NONE),
                        "not allowed with resolution NONE"),
                rule("static hostname", b -> b.setEndpoints(0, b.getEndpoints(0).toBuilder().setAddress("db.example")),
                        "resolution STATIC needs IP addresses"),
                rule("endpoint port key", b -> b.setEndpoints(0, b.getEndpoints(0).toBuilder().clearPorts()
                        .putPorts("grpc", 9090)), "'grpc' does not name a port"),
                rule("endpoint port value", b -> b.setEndpoints(0, b.getEndpoints(0).toBuilder()
                        .putPorts("http-8080", 0)), "['http-8080']: 0 is not in 1-65535"),
                rule("endpoint label", b -> b.setEndpoints(0, b.getEndpoints(0).toBuilder()
                        .putLabels("bad key", "v")), "invalid label 'bad key=v'"),
                rule("missing address", b -> b.setEndpoints(0, WorkloadEntry.newBuilder()), ".address: required"),
                rule("unix needs one port", b -> b.addPorts(ServicePort.newBuilder().setNumber(9090).setProtocol("TCP")
                        .setName("tcp-9090")).setEndpoints(0, WorkloadEntry.newBuilder()
                        .setAddress("unix:///var/run/a.sock")), "exactly one port"),
                rule("dns wildcard without endpoints", b -> b.setHosts(0, "*.example.com")
                        .setResolution(ServiceEntry.Resolution.DNS).clearEndpoints(), "wildcard host needs endpoints"),
                rule("dns rr two endpoints", b -> b.setResolution(ServiceEntry.Resolution.DNS_ROUND_ROBIN)
                        .addEndpoints(WorkloadEntry.newBuilder().setAddress("10.0.0.2")), "at most one endpoint"),
                rule("selector and endpoints", b -> b.setWorkloadSelector(WorkloadSelector.newBuilder()
                        .putLabels("app", "a")), "workloadSelector and endpoints cannot both be set"),
                rule("exportTo duplicate", b -> b.addExportTo(".").addExportTo("."), "duplicate entry '.'"),
                rule("exportTo star alone", b -> b.addExportTo("*").addExportTo("ns1"), "must stand alone"),
                rule("exportTo bad ns", b -> b.addExportTo("Bad_NS"), "'Bad_NS' is not '.', '*', '~'"));
    }

    private static Arguments rule(String name, UnaryOperator<ServiceEntry.Builder> breakIt, String error) {
        return Arguments.of(name, breakIt.apply(VALID.toBuilder()).build(), error);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rejectsWhatIstiodRejects(String name, ServiceEntry se, String expectedError) {
        assertThat(validator.validate("public/orders", Map.of(), se)).anySatisfy(e -> assertThat(e.toString()).contains(expectedError));
    }

    @ParameterizedTest(name = "valid: {0}")
    @MethodSource("validVariants")
    void acceptsWhatIstiodAccepts(String name, ServiceEntry se) {
        assertThat(validator.validate("public/orders", Map.of(), se)).isEmpty();
    }

    static Stream<Arguments> validVariants() {
        return Stream.of(
                Arguments.of("the base entry", VALID),
                Arguments.of("upper case host", VALID.toBuilder().setHosts(0, "Orders.DEFAULT-GROUP.nacos").build()),
                Arguments.of("wildcard host", VALID.toBuilder().setHosts(0, "*.example.com").build()),
                Arguments.of("no ports, no endpoints", VALID.toBuilder().clearPorts().clearEndpoints().build()),
                Arguments.of("ipv6 endpoint", VALID.toBuilder().setEndpoints(0, WorkloadEntry.newBuilder()
                        .setAddress("fd00::1")).build()),
                Arguments.of("dns with hostname", VALID.toBuilder().setResolution(ServiceEntry.Resolution.DNS)
                        .setEndpoints(0, WorkloadEntry.newBuilder().setAddress("db.example.com")).build()),
                Arguments.of("cidr static", VALID.toBuilder().addAddresses("10.1.0.0/16").build()),
                Arguments.of("empty label value", VALID.toBuilder().setEndpoints(0, VALID.getEndpoints(0).toBuilder()
                        .putLabels("canary", "")).build()),
                Arguments.of("exportTo dot and ns", VALID.toBuilder().addExportTo(".").addExportTo("istio-system")
                        .build()),
                Arguments.of("lower case protocol", VALID.toBuilder().setPorts(0, VALID.getPorts(0).toBuilder()
                        .setProtocol("grpc")).build()));
    }

    @ParameterizedTest(name = "metadata: {0}")
    @MethodSource("badMetadata")
    void rejectsBadMetadata(String name, String resourceName, Map<String, String> annotations, String error) {
        assertThat(validator.validate(resourceName, annotations, VALID)).anySatisfy(e -> assertThat(e.toString()).contains(error));
    }

    static Stream<Arguments> badMetadata() {
        return Stream.of(
                Arguments.of("no namespace", "orders", Map.of(), "must be <namespace>/<name>"),
                Arguments.of("too many parts", "a/b/c", Map.of(), "must be <namespace>/<name>"),
                Arguments.of("dry-run annotation", "a/b", Map.of("istio.io/dry-run", "true"), "is not allowed"),
                Arguments.of("internal annotation", "a/b", Map.of("internal.istio.io/parents", "x"), "is not allowed"));
    }

    @org.junit.jupiter.api.Test
    void reportsEveryProblemNotJustTheFirst() {
        ServiceEntry broken = VALID.toBuilder().setHosts(0, "bad_host").setPorts(0, VALID.getPorts(0).toBuilder()
                .setNumber(0)).build();
        List<Violation> errors = validator.validate("public/x", Map.of(), broken);
        assertThat(errors).hasSizeGreaterThanOrEqualTo(2);
    }
}
