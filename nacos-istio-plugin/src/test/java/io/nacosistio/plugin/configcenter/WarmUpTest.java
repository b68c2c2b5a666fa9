package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.document.DocumentParser;
import io.nacosistio.plugin.document.SpecTypes;
import io.nacosistio.plugin.document.WarmUpSample;
import io.nacosistio.plugin.resource.IstioKind;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WarmUpTest {

    @Test
    void theBundledSampleHoldsAnAcceptedDocumentOfEveryServedKind() {
        Set<IstioKind> kinds = EnumSet.noneOf(IstioKind.class);
        for (DocumentParser.Outcome outcome : new ConfigDocuments(512 * 1024).read(WarmUpSample.content()).outcomes()) {
            assertThat(outcome.problems()).as("sample document %s", outcome.kind()).isEmpty();
            kinds.add(outcome.kind());
        }
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(SpecTypes.documentKinds());
    }

    @Test
    void warmingUpServesNothing() {
        ConfigCenterIndex index = new ConfigCenterIndex(new ConfigDocuments(512 * 1024), ns -> ns, () -> 0L);
        assertThat(index.warmUp()).isEqualTo(SpecTypes.documentKinds().size());
        assertThat(index.takeChangedKinds()).isEmpty();
        assertThat(index.knownConfigs()).isEmpty();
        for (IstioKind kind : SpecTypes.documentKinds()) {
            assertThat(index.snapshot(kind).resources()).isEmpty();
        }
    }
}
