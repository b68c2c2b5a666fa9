package io.nacosistio.plugin.convert;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {

    @Test
    void starAndQuestionMarkAreTheOnlyWildcards() {
        assertThat(new Glob("providers:com.foo.*").matches("providers:com.foo.Demo:1.0.0:")).isTrue();
        assertThat(new Glob("providers:com.foo.*").matches("providers:comXfoo.Demo")).isFalse();
        assertThat(new Glob("a(b)+[c]").matches("a(b)+[c]")).isTrue();
        assertThat(new Glob("a(b)+[c]").matches("abbc")).isFalse();
        assertThat(new Glob("v?").matches("v1")).isTrue();
        assertThat(new Glob("v?").matches("v10")).isFalse();
        assertThat(new Glob("*").matches("")).isTrue();
        assertThat(new Glob("\\\\Q*").matches("\\\\Qx")).isTrue();
    }

    @Test
    void matchingIsCaseSensitiveOverTheWholeName() {
        assertThat(new Glob("DEFAULT_GROUP").matches("default_group")).isFalse();
        assertThat(new Glob("orders").matches("orders-v2")).isFalse();
        assertThat(new Glob("*orders*").matches("my-orders-v2")).isTrue();
    }
}
