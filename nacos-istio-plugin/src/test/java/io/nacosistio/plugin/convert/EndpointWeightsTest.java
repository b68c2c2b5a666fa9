package io.nacosistio.plugin.convert;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointWeightsTest {

    @Test
    void keepsRatiosToTwoDecimals() {
        assertThat(EndpointWeights.of(Arrays.asList(1.0, 2.0, 0.5))).containsExactly(100, 200, 50);
        assertThat(EndpointWeights.of(Arrays.asList(0.1, 1.0, 2.5))).containsExactly(10, 100, 250);
        assertThat(EndpointWeights.of(Arrays.asList(0.01, 0.015, 1.4))).containsExactly(1, 2, 140);
    }

    @Test
    void tinyAndOddWeightsBecomeAtLeastOne() {
        assertThat(EndpointWeights.of(Arrays.asList(0.001, Double.NaN, -3.0))).containsExactly(1, 1, 1);
    }

    @Test
    void weightsAboveNacosMaximumCountAsTheMaximum() {
        assertThat(EndpointWeights.of(Arrays.asList(1e300, Double.POSITIVE_INFINITY, 10000.0)))
                .containsExactly(1_000_000, 1_000_000, 1_000_000);
    }

    @Test
    void sumAtTheLimitIsLeftAlone() {
        // 4294 × 1,000,000 + 967,295 = 4,294,967,295 exactly.
        List<Double> weights = new ArrayList<>(Collections.nCopies(4294, 10000.0));
        weights.add(9672.95);
        long[] result = EndpointWeights.of(weights);
        assertThat(Arrays.stream(result).sum()).isEqualTo(EndpointWeights.MAX_TOTAL);
        assertThat(result[0]).isEqualTo(1_000_000);
        assertThat(result[4294]).isEqualTo(967_295);
    }

    @Test
    void sumOverTheLimitIsScaledDownKeepingRatios() {
        List<Double> weights = new ArrayList<>(Collections.nCopies(10_000, 10000.0));
        weights.add(5000.0);
        weights.add(0.1);
        long[] result = EndpointWeights.of(weights);
        long sum = Arrays.stream(result).sum();
        assertThat(sum).isLessThanOrEqualTo(EndpointWeights.MAX_TOTAL).isGreaterThan(EndpointWeights.MAX_TOTAL - 20_000);
        long full = result[0];
        assertThat(result[10_000] * 2).isBetween(full - 2, full + 2);
        assertThat(result[10_001]).isBetween(full / 100_000 - 1, full / 100_000 + 1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(result[i]).isEqualTo(full);
        }
    }

    @Test
    void aMillionMaximumWeightsStayWithinTheLimit() {
        long[] result = EndpointWeights.of(new ArrayList<>(Collections.nCopies(1_000_000, 10000.0)));
        assertThat(Arrays.stream(result).sum()).isLessThanOrEqualTo(EndpointWeights.MAX_TOTAL);
        assertThat(Arrays.stream(result).distinct().toArray()).containsExactly(result[0]);
        assertThat(result[0]).isGreaterThanOrEqualTo(1);
    }
}
