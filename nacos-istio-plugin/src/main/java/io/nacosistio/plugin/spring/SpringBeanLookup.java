package io.nacosistio.plugin.spring;

import io.nacosistio.plugin.source.nacos.BeanLookup;
import org.springframework.context.ApplicationContext;

/** Finds Nacos's beans in the context the plugin runs in (or its parents). */
final class SpringBeanLookup implements BeanLookup {

    private final ApplicationContext context;

    SpringBeanLookup(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public <T> T get(Class<T> type) {
        try {
            return context.getBean(type);
        } catch (RuntimeException e) {
            throw new IllegalStateException("this Nacos has no " + type.getName()
                    + " bean; the plugin needs Nacos 2.x or 3.x with the v2 naming core", e);
        }
    }
}
