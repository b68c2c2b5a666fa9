package io.nacosistio.proto;

import static io.nacosistio.proto.SameContent.assertSameContent;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule;
import io.nacosistio.proto.istio.networking.v1alpha3.EnvoyFilter;
import io.nacosistio.proto.istio.networking.v1alpha3.Gateway;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.Sidecar;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadGroup;
import istio.mcp.v1alpha1.ResourceOuterClass;
import istio.networking.v1alpha3.DestinationRuleOuterClass;
import istio.networking.v1alpha3.EnvoyFilterOuterClass;
import istio.networking.v1alpha3.GatewayOuterClass;
import istio.networking.v1alpha3.ServiceEntryOuterClass;
import istio.networking.v1alpha3.SidecarOuterClass;
import istio.networking.v1alpha3.VirtualServiceOuterClass;
import istio.networking.v1alpha3.WorkloadEntryOuterClass;
import istio.networking.v1alpha3.WorkloadGroupOuterClass;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of every kind that Nacos's istio module also generates, filled automatically and
 * decoded by the other implementation, in both directions. Fields added to istio/api after the
 * reference classes were generated must travel through them as unknown fields and come back intact.
 */
class IstioNetworkingEveryFieldTest {

  static Stream<Arguments> kinds() {
    return Stream.of(
        kind(VirtualService.getDefaultInstance(), VirtualServiceOuterClass.VirtualService.getDefaultInstance()),
        kind(DestinationRule.getDefaultInstance(), DestinationRuleOuterClass.DestinationRule.getDefaultInstance()),
        kind(Gateway.getDefaultInstance(), GatewayOuterClass.Gateway.getDefaultInstance()),
        kind(Sidecar.getDefaultInstance(), SidecarOuterClass.Sidecar.getDefaultInstance()),
        kind(EnvoyFilter.getDefaultInstance(), EnvoyFilterOuterClass.EnvoyFilter.getDefaultInstance()),
        kind(WorkloadGroup.getDefaultInstance(), WorkloadGroupOuterClass.WorkloadGroup.getDefaultInstance()),
        kind(ServiceEntry.getDefaultInstance(), ServiceEntryOuterClass.ServiceEntry.getDefaultInstance()),
        kind(WorkloadEntry.getDefaultInstance(), WorkloadEntryOuterClass.WorkloadEntry.getDefaultInstance()),
        kind(Resource.getDefaultInstance(), ResourceOuterClass.Resource.getDefaultInstance()));
  }

  private static Arguments kind(Message ours, Message theirs) {
    return Arguments.of(ours.getDescriptorForType().getName(), ours, theirs);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void everyFieldWeWriteIsReadByIstiosClasses(String kind, Message ours, Message theirs) throws Exception {
    assertThat(ours.getDescriptorForType().getFullName()).isEqualTo(theirs.getDescriptorForType().getFullName());
    Set<String> covered = new TreeSet<>();
    int variants = MessageFiller.maxOneofSize(ours.getDescriptorForType());
    for (int variant = 0; variant < variants; variant++) {
      Message written = MessageFiller.fill(ours, variant);
      FieldCoverage.collectSet(written, covered);

      Message read = theirs.getParserForType().parseFrom(written.toByteString());
      assertSameContent(written, read);

      Message back = ours.getParserForType().parseFrom(read.toByteString());
      assertThat(back).as("after a pass through the older classes").isEqualTo(written);
    }
    assertThat(covered).containsAll(FieldCoverage.reachable(ours.getDescriptorForType()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void everyFieldIstiosClassesWriteIsReadByOurs(String kind, Message ours, Message theirs) throws Exception {
    Set<String> covered = new TreeSet<>();
    int variants = MessageFiller.maxOneofSize(theirs.getDescriptorForType());
    for (int variant = 0; variant < variants; variant++) {
      Message written = MessageFiller.fill(theirs, variant);
      FieldCoverage.collectSet(written, covered);

      Message read = ours.getParserForType().parseFrom(written.toByteString());
      assertSameContent(written, read);
      assertThat(read.getUnknownFields().asMap()).as("no field of theirs is unknown to us").isEmpty();
      assertThat(read.toByteString()).isEqualTo(written.toByteString());
    }
    assertThat(covered).containsAll(FieldCoverage.reachable(theirs.getDescriptorForType()));
  }
}
