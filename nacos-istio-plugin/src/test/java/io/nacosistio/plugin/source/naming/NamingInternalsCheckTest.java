package io.nacosistio.plugin.source.naming;

import io.nacosistio.plugin.source.nacos.NacosInternalsMismatchException;
import io.nacosistio.plugin.source.naming.NamingInternalsCheck.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamingInternalsCheckTest {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void theNacosTheClassesAreCompiledAgainstPasses() {
        assertThatCode(() -> NamingInternalsCheck.verify(NamingInternalsCheck.NAMING_CORE, loader))
                .doesNotThrowAnyException();
    }

    @Test
    void everyMismatchIsNamedInOneMessage() {
        List<Requirement> requirements = List.of(
                Requirement.method(NamingInternalsCheck.SERVICE_MANAGER, "getAllNamespaces", "java.util.Set"),
                Requirement.method("com.alibaba.nacos.naming.core.v3.Missing", "anything", "void"),
                Requirement.method(NamingInternalsCheck.SERVICE_MANAGER, "getSingletons", "java.util.Set",
                        "java.lang.Integer"),
                Requirement.method(NamingInternalsCheck.SERVICE_MANAGER, "getAllNamespaces", "java.util.List"),
                Requirement.method(NamingInternalsCheck.SERVICE_MANAGER, "getInstance",
                        NamingInternalsCheck.SERVICE_MANAGER),
                Requirement.subtype(NamingInternalsCheck.SERVICE, NamingInternalsCheck.CLIENT));

        assertThatThrownBy(() -> NamingInternalsCheck.verify(requirements, loader))
                .isInstanceOf(NacosInternalsMismatchException.class)
                .hasMessageContaining("class com.alibaba.nacos.naming.core.v3.Missing")
                .hasMessageContaining("java.util.Set com.alibaba.nacos.naming.core.v2.ServiceManager"
                        + ".getSingletons(java.lang.Integer)")
                .hasMessageContaining("java.util.List com.alibaba.nacos.naming.core.v2.ServiceManager"
                        + ".getAllNamespaces()")
                // getInstance() is static: asking for an instance method of that name is a mismatch too.
                .hasMessageContaining("ServiceManager.getInstance()")
                .hasMessageContaining(NamingInternalsCheck.SERVICE + " as a kind of " + NamingInternalsCheck.CLIENT)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                        .doesNotContain("java.util.Set com.alibaba.nacos.naming.core.v2.ServiceManager"
                                + ".getAllNamespaces()"));
    }
}
