package io.nacosistio.proto;

import static io.nacosistio.proto.SameContent.assertSameContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import io.nacosistio.proto.istio.mcp.v1alpha1.Metadata;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.ServicePort;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadSelector;
import istio.mcp.v1alpha1.MetadataOuterClass;
import istio.mcp.v1alpha1.ResourceOuterClass;
import istio.networking.v1alpha3.GatewayOuterClass;
import istio.networking.v1alpha3.ServiceEntryOuterClass;
import istio.networking.v1alpha3.SidecarOuterClass;
import istio.networking.v1alpha3.WorkloadEntryOuterClass;
import org.junit.jupiter.api.Test;

/**
 * Our MCP Resource and ServiceEntry against an independent implementation of the same istio/api protos:
 * the Java classes Nacos generated for its own istio module (an older istio/api whose ServiceEntry
 * resolutions stop at DNS and whose ports are the wire-identical {@code Port}).
 */
class IstioMcpWireCompatibilityTest {

  private static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1_700_000_123L).setNanos(456_000_000).build();

  @Test
  void referenceClassesShareProtobufJavaWellKnownTypes() {
    // The reference jar bundles its own com.google.protobuf.Any; protobuf-java's copy must win.
    String source = Any.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    assertThat(source).contains("protobuf-java");
  }

  @Test
  void bodyAndResourceTypeUrlsAreIstios() {
    assertThat(Any.pack(ServiceEntry.getDefaultInstance()).getTypeUrl())
        .isEqualTo("type.googleapis.com/istio.networking.v1alpha3.ServiceEntry")
        .isEqualTo(Any.pack(ServiceEntryOuterClass.ServiceEntry.getDefaultInstance()).getTypeUrl());
    assertThat(Any.pack(Resource.getDefaultInstance()).getTypeUrl())
        .isEqualTo("type.googleapis.com/istio.mcp.v1alpha1.Resource")
        .isEqualTo(Any.pack(ResourceOuterClass.Resource.getDefaultInstance()).getTypeUrl());
    assertThat(Metadata.getDescriptor().getFullName())
        .isEqualTo(MetadataOuterClass.Metadata.getDescriptor().getFullName());
  }

  @Test
  void ourResourceDecodesWithIstiosClasses() throws Exception {
    ServiceEntry ours = ourStaticServiceEntry(ServiceEntry.Resolution.DNS);
    Resource resource = ourResource(ours);

    ResourceOuterClass.Resource theirs = ResourceOuterClass.Resource.parseFrom(resource.toByteArray());

    MetadataOuterClass.Metadata metadata = theirs.getMetadata();
    assertThat(metadata.getName()).isEqualTo("shop/reviews");
    assertThat(metadata.getCreateTime()).isEqualTo(CREATED);
    assertThat(metadata.getVersion()).isEqualTo("20240101-7f3a");
    assertThat(metadata.getLabelsMap()).containsExactly(entry("app", "reviews"), entry("istio.io/rev", "canary"));
    assertThat(metadata.getAnnotationsMap()).containsExactly(entry("nacos.io/cluster", "DEFAULT"),
        entry("nacos.io/group", "DEFAULT_GROUP"));
    assertThat(theirs.getBody().getTypeUrl()).isEqualTo("type.googleapis.com/istio.networking.v1alpha3.ServiceEntry");

    ServiceEntryOuterClass.ServiceEntry se = theirs.getBody().unpack(ServiceEntryOuterClass.ServiceEntry.class);
    assertThat(se.getHostsList()).containsExactly("reviews.shop.svc.cluster.local", "reviews.nacos");
    assertThat(se.getAddressesList()).containsExactly("240.240.0.7", "240.240.0.8/32");
    assertThat(se.getPortsList()).hasSize(2);
    assertThat(se.getPorts(0).getNumber()).isEqualTo(9080);
    assertThat(se.getPorts(0).getProtocol()).isEqualTo("HTTP");
    assertThat(se.getPorts(0).getName()).isEqualTo("http");
    assertThat(se.getPorts(0).getTargetPort()).isEqualTo(19080);
    assertThat(se.getPorts(1).getNumber()).isEqualTo(9090);
    assertThat(se.getPorts(1).getProtocol()).isEqualTo("GRPC");
    assertThat(se.getPorts(1).getName()).isEqualTo("grpc");
    assertThat(se.getPorts(1).getTargetPort()).isZero();
    assertThat(se.getLocation()).isEqualTo(ServiceEntryOuterClass.ServiceEntry.Location.MESH_INTERNAL);
    assertThat(se.getResolution()).isEqualTo(ServiceEntryOuterClass.ServiceEntry.Resolution.DNS);
    assertThat(se.getEndpointsList()).hasSize(2);
    WorkloadEntryOuterClass.WorkloadEntry first = se.getEndpoints(0);
    assertThat(first.getAddress()).isEqualTo("10.0.0.11");
    assertThat(first.getPortsMap()).containsExactly(entry("http", 8080), entry("grpc", 8090));
    assertThat(first.getLabelsMap()).containsExactly(entry("version", "v1"), entry("zone", "a"));
    assertThat(first.getNetwork()).isEqualTo("net-1");
    assertThat(first.getLocality()).isEqualTo("cn-hangzhou/cn-hangzhou-a/rack-1");
    assertThat(first.getWeight()).isEqualTo(80);
    assertThat(first.getServiceAccount()).isEqualTo("spiffe://cluster.local/ns/shop/sa/reviews");
    assertThat(se.getEndpoints(1).getAddress()).isEqualTo("reviews-2.example.com");
    assertThat(se.getEndpoints(1).getWeight()).isEqualTo(20);
    assertThat(se.getExportToList()).containsExactly(".", "istio-system");
    assertThat(se.getSubjectAltNamesList()).containsExactly("spiffe://cluster.local/ns/shop/sa/reviews");
    assertThat(se.getWorkloadSelector().getLabelsMap()).containsExactly(entry("app", "reviews"));

    assertThat(se.getUnknownFields().asMap()).as("every field is one Istio declares").isEmpty();
    assertSameContent(resource, theirs);
    assertSameContent(ours, se);
  }

  @Test
  void istioResourceDecodesWithOurClasses() throws Exception {
    ServiceEntryOuterClass.ServiceEntry theirs = theirServiceEntry();
    ResourceOuterClass.Resource resource = ResourceOuterClass.Resource.newBuilder()
        .setMetadata(MetadataOuterClass.Metadata.newBuilder()
            .setName("payments/ledger")
            .setCreateTime(CREATED)
            .setVersion("v9")
            .putLabels("team", "payments")
            .putAnnotations("nacos.io/namespace", "prod"))
        .setBody(Any.pack(theirs))
        .build();

    Resource ours = Resource.parseFrom(resource.toByteArray());

    assertThat(ours.getMetadata().getName()).isEqualTo("payments/ledger");
    assertThat(ours.getMetadata().getCreateTime()).isEqualTo(CREATED);
    assertThat(ours.getMetadata().getVersion()).isEqualTo("v9");
    assertThat(ours.getMetadata().getLabelsMap()).containsExactly(entry("team", "payments"));
    assertThat(ours.getMetadata().getAnnotationsMap()).containsExactly(entry("nacos.io/namespace", "prod"));
    assertThat(ours.getBody().is(ServiceEntry.class)).isTrue();

    ServiceEntry se = ours.getBody().unpack(ServiceEntry.class);
    assertThat(se.getHostsList()).containsExactly("ledger.payments.nacos");
    assertThat(se.getAddressesList()).containsExactly("240.240.1.1");
    assertThat(se.getPortsList()).containsExactly(
        ServicePort.newBuilder().setNumber(443).setProtocol("TLS").setName("tls").setTargetPort(8443).build());
    assertThat(se.getLocation()).isEqualTo(ServiceEntry.Location.MESH_EXTERNAL);
    assertThat(se.getResolution()).isEqualTo(ServiceEntry.Resolution.STATIC);
    assertThat(se.getEndpointsList()).containsExactly(WorkloadEntry.newBuilder()
        .setAddress("192.168.7.4")
        .putPorts("tls", 9443)
        .putLabels("version", "v2")
        .setNetwork("vpc-2")
        .setLocality("us-east/us-east-1b")
        .setWeight(3)
        .setServiceAccount("ledger")
        .build());
    assertThat(se.getExportToList()).containsExactly("*");
    assertThat(se.getSubjectAltNamesList()).containsExactly("ledger.payments.example");
    assertThat(se.getWorkloadSelector()).isEqualTo(WorkloadSelector.newBuilder().putLabels("app", "ledger").build());
    assertThat(se.getUnknownFields().asMap()).isEmpty();
    assertSameContent(theirs, se);
  }

  @Test
  void resolutionsIstioAddedLaterSurviveAnOlderReader() throws Exception {
    for (ServiceEntry.Resolution resolution : new ServiceEntry.Resolution[] {
        ServiceEntry.Resolution.DNS_ROUND_ROBIN, ServiceEntry.Resolution.DYNAMIC_DNS}) {
      ServiceEntry ours = ourStaticServiceEntry(resolution);
      byte[] bytes = ours.toByteArray();

      ServiceEntryOuterClass.ServiceEntry older = ServiceEntryOuterClass.ServiceEntry.parseFrom(bytes);
      assertThat(older.getResolution()).isEqualTo(ServiceEntryOuterClass.ServiceEntry.Resolution.UNRECOGNIZED);
      assertThat(older.getResolutionValue()).isEqualTo(resolution.getNumber());

      byte[] rewritten = older.toByteArray();
      assertThat(rewritten).isEqualTo(bytes);
      assertThat(ServiceEntry.parseFrom(rewritten).getResolution()).isEqualTo(resolution);
    }
    assertThat(ServiceEntry.Resolution.DYNAMIC_DNS.getNumber()).isEqualTo(4);
    assertThat(ServiceEntry.Resolution.DNS_ROUND_ROBIN.getNumber()).isEqualTo(3);
  }

  @Test
  void fieldsWeDoNotDeclareSurviveOurClasses() throws Exception {
    // A newer writer: a field 20 on the ServiceEntry and a field 9 on the Metadata that we don't know.
    UnknownFieldSet futureSe = UnknownFieldSet.newBuilder()
        .addField(20, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build())
        .build();
    UnknownFieldSet futureMetadata = UnknownFieldSet.newBuilder()
        .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(77).build())
        .build();
    ResourceOuterClass.Resource newer = ResourceOuterClass.Resource.newBuilder()
        .setMetadata(MetadataOuterClass.Metadata.newBuilder().setName("a/b").setUnknownFields(futureMetadata))
        .setBody(Any.pack(theirServiceEntry().toBuilder().setUnknownFields(futureSe).build()))
        .build();
    byte[] bytes = newer.toByteArray();

    Resource ours = Resource.parseFrom(bytes);
    assertThat(ours.getMetadata().getUnknownFields()).isEqualTo(futureMetadata);
    ServiceEntry se = ours.getBody().unpack(ServiceEntry.class);
    assertThat(se.getUnknownFields()).isEqualTo(futureSe);

    assertThat(ours.toByteArray()).isEqualTo(bytes);
    Resource repacked = ours.toBuilder().setBody(Any.pack(se)).build();
    assertThat(repacked.toByteArray()).isEqualTo(bytes);
  }

  private static Resource ourResource(ServiceEntry body) {
    return Resource.newBuilder()
        .setMetadata(Metadata.newBuilder()
            .setName("shop/reviews")
            .setCreateTime(CREATED)
            .setVersion("20240101-7f3a")
            .putLabels("app", "reviews")
            .putLabels("istio.io/rev", "canary")
            .putAnnotations("nacos.io/cluster", "DEFAULT")
            .putAnnotations("nacos.io/group", "DEFAULT_GROUP"))
        .setBody(Any.pack(body))
        .build();
  }

  /** Every ServiceEntry field set (selector and endpoints together: valid on the wire, not in istiod). */
  private static ServiceEntry ourStaticServiceEntry(ServiceEntry.Resolution resolution) {
    return ServiceEntry.newBuilder()
        .addHosts("reviews.shop.svc.cluster.local")
        .addHosts("reviews.nacos")
        .addAddresses("240.240.0.7")
        .addAddresses("240.240.0.8/32")
        .addPorts(ServicePort.newBuilder().setNumber(9080).setProtocol("HTTP").setName("http").setTargetPort(19080))
        .addPorts(ServicePort.newBuilder().setNumber(9090).setProtocol("GRPC").setName("grpc"))
        .setLocation(ServiceEntry.Location.MESH_INTERNAL)
        .setResolution(resolution)
        .addEndpoints(WorkloadEntry.newBuilder()
            .setAddress("10.0.0.11")
            .putPorts("http", 8080)
            .putPorts("grpc", 8090)
            .putLabels("version", "v1")
            .putLabels("zone", "a")
            .setNetwork("net-1")
            .setLocality("cn-hangzhou/cn-hangzhou-a/rack-1")
            .setWeight(80)
            .setServiceAccount("spiffe://cluster.local/ns/shop/sa/reviews"))
        .addEndpoints(WorkloadEntry.newBuilder().setAddress("reviews-2.example.com").setWeight(20))
        .addExportTo(".")
        .addExportTo("istio-system")
        .addSubjectAltNames("spiffe://cluster.local/ns/shop/sa/reviews")
        .setWorkloadSelector(WorkloadSelector.newBuilder().putLabels("app", "reviews"))
        .build();
  }

  private static ServiceEntryOuterClass.ServiceEntry theirServiceEntry() {
    return ServiceEntryOuterClass.ServiceEntry.newBuilder()
        .addHosts("ledger.payments.nacos")
        .addAddresses("240.240.1.1")
        .addPorts(GatewayOuterClass.Port.newBuilder().setNumber(443).setProtocol("TLS").setName("tls").setTargetPort(8443))
        .setLocation(ServiceEntryOuterClass.ServiceEntry.Location.MESH_EXTERNAL)
        .setResolution(ServiceEntryOuterClass.ServiceEntry.Resolution.STATIC)
        .addEndpoints(WorkloadEntryOuterClass.WorkloadEntry.newBuilder()
            .setAddress("192.168.7.4")
            .putPorts("tls", 9443)
            .putLabels("version", "v2")
            .setNetwork("vpc-2")
            .setLocality("us-east/us-east-1b")
            .setWeight(3)
            .setServiceAccount("ledger"))
        .addExportTo("*")
        .addSubjectAltNames("ledger.payments.example")
        .setWorkloadSelector(SidecarOuterClass.WorkloadSelector.newBuilder().putLabels("app", "ledger"))
        .build();
  }
}
