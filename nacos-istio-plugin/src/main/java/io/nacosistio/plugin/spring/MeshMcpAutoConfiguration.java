package io.nacosistio.plugin.spring;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Entry point inside Nacos: found through Spring Boot's auto-configuration files in the jar (Boot 2.7
 * and Boot 3). Nothing is created unless {@code nacos.mesh.mcp.enabled=true}. Nacos 3 runs several
 * Spring contexts (core, server web, console) that all process auto-configuration; the plugin lives
 * in the first (the parent), and the child contexts see its bean and create none of their own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = MeshPluginLifecycle.ENABLED_PROPERTY, havingValue = "true")
public class MeshMcpAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(value = MeshPluginLifecycle.class, search = SearchStrategy.ALL)
    public MeshPluginLifecycle nacosMeshPluginLifecycle(ApplicationContext context, Environment environment) {
        return new MeshPluginLifecycle(context, environment);
    }
}
