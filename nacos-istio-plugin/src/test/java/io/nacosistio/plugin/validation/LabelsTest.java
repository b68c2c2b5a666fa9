package io.nacosistio.plugin.validation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {

    /** Istio's own definitions (pkg/config/labels), the reference the hand-written check must agree with. */
    private static final Pattern ISTIO_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern ISTIO_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    @Test
    void namesAndValuesFollowIstio() {
        assertThat(Labels.isValidKey("app")).isTrue();
        assertThat(Labels.isValidKey("a")).isTrue();
        assertThat(Labels.isValidKey("topology.istio.io/network")).isTrue();
        assertThat(Labels.isValidKey("-app")).isFalse();
        assertThat(Labels.isValidKey("app.")).isFalse();
        assertThat(Labels.isValidKey("a b")).isFalse();
        assertThat(Labels.isValidKey("")).isFalse();
        assertThat(Labels.isValidKey("Upper.Case/app")).isFalse();
        assertThat(Labels.isValidKey("x".repeat(64))).isFalse();
        assertThat(Labels.isValidValue("")).isTrue();
        assertThat(Labels.isValidValue("v1.2_3-rc")).isTrue();
        assertThat(Labels.isValidValue("_v1")).isFalse();
        assertThat(Labels.isValidValue("v1/")).isFalse();
        assertThat(Labels.isValidValue("ü")).isFalse();
        assertThat(Labels.isValidValue(null)).isFalse();
        assertThat(Labels.isValidKubernetesLabel("app", "x".repeat(63))).isTrue();
        assertThat(Labels.isValidKubernetesLabel("app", "x".repeat(64))).isFalse();
    }

    @Test
    void agreesWithIstiosExpressionsOnRandomStrings() {
        String alphabet = "aZ09-_./ :ü";
        Random random = new Random(7);
        List<String> disagreements = new ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(6);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = s.toString();
            boolean name = candidate.indexOf('/') < 0 && ISTIO_NAME.matcher(candidate).matches();
            if (candidate.indexOf('/') < 0 && Labels.isValidKey(candidate) != name) {
                disagreements.add("key '" + candidate + "'");
            }
            if (Labels.isValidValue(candidate) != ISTIO_VALUE.matcher(candidate).matches()) {
                disagreements.add("value '" + candidate + "'");
            }
        }
        assertThat(disagreements).isEmpty();
    }
}
