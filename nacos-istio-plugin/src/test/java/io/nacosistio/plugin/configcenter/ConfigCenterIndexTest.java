package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The config center's serving rules: refused updates, deletions, collisions, versions and create times. */
class ConfigCenterIndexTest {

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final ConfigCenterIndex index = new ConfigCenterIndex(new ConfigDocuments(64 * 1024),
            ns -> ns.equals("public") ? "default" : ns, clock::get);

    private static String dr(String name, String host) {
        return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: " + name
                + "\nspec:\n  host: " + host + "\n";
    }

    private static String vs(String name, String host) {
        return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: " + name
                + "\nspec:\n  hosts: [" + host + "]\n  tcp:\n  - route:\n    - destination: {host: " + host + "}\n";
    }

    private void publish(ConfigKey key, String content) {
        index.apply(key, Optional.of(new ConfigItem(key, content, Collections.<String>emptySet(), 1_600_000_000_000L)));
    }

    private ResourceSet served(IstioKind kind) {
        return index.snapshot(kind);
    }

    private static final ConfigKey RULES = new ConfigKey("", "istio", "rules.yaml");
    private static final ConfigKey OTHER = new ConfigKey("", "istio", "z-other.yaml");

    @Test
    void documentsWithoutNamespaceGoToTheMappedNamespaceAndCarryTheConfigCreationTime() {
        publish(RULES, dr("reviews", "reviews.nacos") + "---\n" + vs("reviews", "reviews.nacos"));

        McpResource dr = served(IstioKind.DESTINATION_RULE).resources().get(0);
        assertThat(dr.name()).isEqualTo("default/reviews");
        assertThat(served(IstioKind.VIRTUAL_SERVICE).resources()).extracting(McpResource::name)
                .containsExactly("default/reviews");
        assertThat(index.takeChangedKinds()).containsExactlyInAnyOrder(IstioKind.DESTINATION_RULE,
                IstioKind.VIRTUAL_SERVICE);
    }

    @Test
    void theRevisionLabelsEveryDocumentThatCarriesNoneOfItsOwn() throws Exception {
        ConfigCenterIndex revised = new ConfigCenterIndex(new ConfigDocuments(64 * 1024), ns -> "default",
                clock::get, "canary");
        String own = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: pinned\n"
                + "  labels: {istio.io/rev: stable, team: a}\nspec:\n  host: pinned.nacos\n";
        revised.apply(RULES, Optional.of(new ConfigItem(RULES, dr("reviews", "reviews.nacos") + "---\n" + own,
                Collections.<String>emptySet(), 1_600_000_000_000L)));
        java.util.Map<String, java.util.Map<String, String>> labels = new java.util.TreeMap<>();
        for (McpResource r : revised.snapshot(IstioKind.DESTINATION_RULE).resources()) {
            labels.put(r.name(), io.nacosistio.proto.istio.mcp.v1alpha1.Resource.parseFrom(r.packed().getValue())
                    .getMetadata().getLabelsMap());
        }
        assertThat(labels.get("default/reviews")).containsExactly(java.util.Map.entry("istio.io/rev", "canary"));
        assertThat(labels.get("default/pinned")).containsEntry("istio.io/rev", "stable").containsEntry("team", "a");

        publish(RULES, dr("reviews", "reviews.nacos"));
        String unrevised = served(IstioKind.DESTINATION_RULE).resources().get(0).version();
        assertThat(revised.snapshot(IstioKind.DESTINATION_RULE).resources().stream()
                .filter(r -> r.name().equals("default/reviews")).findFirst().orElseThrow().version())
                .isNotEqualTo(unrevised);
    }

    @Test
    void aRefusedUpdateKeepsTheLastAcceptedVersionServed() {
        publish(RULES, dr("reviews", "reviews.nacos") + "---\n" + dr("ratings", "ratings.nacos"));
        ResourceSet before = served(IstioKind.DESTINATION_RULE);
        index.takeChangedKinds();

        publish(RULES, dr("reviews", "bad host!") + "---\n" + dr("ratings", "ratings-v2.nacos"));

        ResourceSet after = served(IstioKind.DESTINATION_RULE);
        McpResource reviewsBefore = before.resources().stream().filter(r -> r.name().equals("default/reviews"))
                .findFirst().orElseThrow();
        assertThat(after.resources()).filteredOn(r -> r.name().equals("default/reviews")).singleElement()
                .extracting(McpResource::version).isEqualTo(reviewsBefore.version());
        assertThat(after.version()).isNotEqualTo(before.version()); // ratings did change
        RefusedDocument refused = index.refused(RULES).get(0);
        assertThat(refused.servedVersion()).isEqualTo(reviewsBefore.version());
        assertThat(refused.describe()).singleElement().asString()
                .startsWith("dataId=rules.yaml group=istio namespace=public document #1 (DestinationRule reviews): "
                        + "spec.host: 'bad host!'");
        assertThat(index.served(RULES)).filteredOn(ServedDocument::retained).hasSize(1);
    }

    @Test
    void aRefusedNewDocumentIsSimplyNotServed() {
        publish(RULES, dr("reviews", "bad host!"));

        assertThat(served(IstioKind.DESTINATION_RULE).resources()).isEmpty();
        assertThat(index.refused(RULES)).singleElement().extracting(RefusedDocument::consequence)
                .isEqualTo("not served");
    }

    @Test
    void unreadableContentKeepsEverythingTheConfigServedBefore() {
        publish(RULES, dr("reviews", "reviews.nacos") + "---\n" + vs("reviews", "reviews.nacos"));
        String drVersion = served(IstioKind.DESTINATION_RULE).version();

        publish(RULES, "apiVersion: networking.istio.io/v1\nkind: [broken\n");

        assertThat(served(IstioKind.DESTINATION_RULE).version()).isEqualTo(drVersion);
        assertThat(served(IstioKind.VIRTUAL_SERVICE).resources()).hasSize(1);
        assertThat(index.refused(RULES)).singleElement().extracting(RefusedDocument::consequence).asString()
                .contains("nothing new from this config is served");
    }

    @Test
    void removingADocumentOrDeletingTheConfigRemovesTheResource() {
        publish(RULES, dr("reviews", "reviews.nacos") + "---\n" + dr("ratings", "ratings.nacos"));

        publish(RULES, dr("ratings", "ratings.nacos"));
        assertThat(served(IstioKind.DESTINATION_RULE).resources()).extracting(McpResource::name)
                .containsExactly("default/ratings");

        index.apply(RULES, Optional.empty());
        assertThat(served(IstioKind.DESTINATION_RULE).resources()).isEmpty();
        assertThat(index.knownConfigs()).isEmpty();
    }

    @Test
    void twoDocumentsClaimingOneResourceHaveADeterministicWinnerAndTheLoserIsReported() {
        publish(OTHER, dr("reviews", "from-other.nacos"));
        publish(RULES, dr("reviews", "from-rules.nacos"));

        assertThat(served(IstioKind.DESTINATION_RULE).resources()).hasSize(1);
        ConfigCenterView.Collision collision = index.view().collisions().get(0);
        assertThat(collision.winner().config()).isEqualTo(RULES);
        assertThat(collision.losers()).extracting(ServedDocument::config).containsExactly(OTHER);

        index.apply(RULES, Optional.empty());
        assertThat(index.view().collisions()).isEmpty();
        assertThat(served(IstioKind.DESTINATION_RULE).resources()).hasSize(1);
        assertThat(index.served(OTHER).get(0).resource().version())
                .isEqualTo(served(IstioKind.DESTINATION_RULE).resources().get(0).version());
    }

    @Test
    void versionsDependOnContentOnlyAndUnchangedContentIsNotReRead() {
        publish(RULES, dr("reviews", "reviews.nacos"));
        String version = served(IstioKind.DESTINATION_RULE).resources().get(0).version();
        index.takeChangedKinds();

        assertThat(index.apply(RULES, Optional.of(new ConfigItem(RULES, dr("reviews", "reviews.nacos"),
                Collections.<String>emptySet(), 1_600_000_000_000L)))).isEqualTo(ConfigCenterIndex.Outcome.UNCHANGED);
        publish(RULES, "# a comment\n" + dr("reviews", "reviews.nacos"));
        assertThat(served(IstioKind.DESTINATION_RULE).resources().get(0).version()).isEqualTo(version);
        assertThat(index.takeChangedKinds()).isEmpty();

        ConfigCenterIndex other = new ConfigCenterIndex(new ConfigDocuments(64 * 1024), ns -> "default", clock::get);
        other.apply(OTHER, Optional.of(new ConfigItem(OTHER, dr("reviews", "reviews.nacos"),
                Collections.<String>emptySet(), 1)));
        assertThat(other.snapshot(IstioKind.DESTINATION_RULE).resources().get(0).version()).isEqualTo(version);
    }

    @Test
    void explicitNamespaceWinsOverTheMappedOne() {
        publish(new ConfigKey("team-a", "istio", "x"), dr("reviews", "reviews.nacos").replace("  name: reviews",
                "  name: reviews\n  namespace: shop"));

        assertThat(served(IstioKind.DESTINATION_RULE).resources()).extracting(McpResource::name)
                .containsExactly("shop/reviews");
    }
}
