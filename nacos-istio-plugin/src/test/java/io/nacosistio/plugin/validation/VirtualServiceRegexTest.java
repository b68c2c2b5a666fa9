package io.nacosistio.plugin.validation;

import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.proto.istio.networking.v1alpha3.Destination;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPMatchRequest;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRoute;
import io.nacosistio.proto.istio.networking.v1alpha3.HTTPRouteDestination;
import io.nacosistio.proto.istio.networking.v1alpha3.StringMatch;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VirtualService regexes are judged as istiod judges them (RE2, Go's regexp wording): what java.util.regex
 * would accept but istiod would drop the whole document for is refused here first.
 */
class VirtualServiceRegexTest {

    private static final String RE2_HINT =
            "; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)";

    private final DocumentValidator validator = new DocumentValidator();

    private List<Violation> validateUriRegex(String regex) {
        VirtualService vs = VirtualService.newBuilder().addHosts("a.b.nacos")
                .addHttp(HTTPRoute.newBuilder()
                        .addMatch(HTTPMatchRequest.newBuilder().setUri(StringMatch.newBuilder().setRegex(regex)))
                        .addRoute(HTTPRouteDestination.newBuilder().setDestination(
                                Destination.newBuilder().setHost("a.b.nacos"))))
                .build();
        return validator.validate(IstioKind.VIRTUAL_SERVICE, "x", Map.of(), Map.of(), vs);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        lookahead            | /api(?=/v1)  | error parsing regexp: invalid or unsupported Perl syntax: `(?=`
        backreference        | (a)\\1       | error parsing regexp: invalid escape sequence: `\\1`
        possessive quantifier| a++          | error parsing regexp: invalid nested repetition operator: `++`
        """)
    void whatOnlyJavaRegexAcceptsIsRefusedWithIstiodsWording(String label, String regex, String goError) {
        Pattern.compile(regex); // java.util.regex takes it: the old check let it through

        assertThat(validateUriRegex(regex)).extracting(Violation::toString)
                .containsExactly("spec.http[0].match[0].uri.regex: " + goError + RE2_HINT);
    }

    @Test
    void anRe2RegexIsAccepted() {
        assertThat(validateUriRegex("https://.*\\.example\\.com/(v1|v2)/[a-z]+")).isEmpty();
    }

    @Test
    void aRegexLongerThan1024BytesIsRefusedAsIstiodDoes() {
        assertThat(validateUriRegex("a".repeat(1025))).extracting(Violation::toString)
                .containsExactly("spec.http[0].match[0].uri.regex: regex is too large, max length allowed is 1024");
        assertThat(validateUriRegex("a".repeat(1024))).isEmpty();
    }
}
