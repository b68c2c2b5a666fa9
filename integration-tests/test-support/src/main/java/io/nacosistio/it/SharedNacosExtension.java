package io.nacosistio.it;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands every test class a {@link SharedNacos} parameter: the first class to ask boots it with the
 * launcher its test instance provides ({@link NacosLauncher.Provider}, so the class must use
 * {@code Lifecycle.PER_CLASS}); JUnit's root store keeps it for the rest of the run and closes it at the end.
 */
public final class SharedNacosExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedNacos.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SharedNacos.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Object instance = context.getTestInstance().orElseThrow(() -> new ExtensionConfigurationException(
                "SharedNacos is resolved from a test instance: use @TestInstance(Lifecycle.PER_CLASS)"));
        if (!(instance instanceof NacosLauncher.Provider)) {
            throw new ExtensionConfigurationException(instance.getClass() + " must implement NacosLauncher.Provider");
        }
        NacosLauncher launcher = ((NacosLauncher.Provider) instance).nacosLauncher();
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedNacos.class, key -> {
            try {
                return SharedNacos.boot(launcher);
            } catch (Exception e) {
                throw new ParameterResolutionException("could not boot Nacos", e);
            }
        }, SharedNacos.class);
    }
}
