package io.nacosistio.it.distribution23;

import com.alibaba.nacos.sys.filter.NacosTypeExcludeFilter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.web.servlet.ServletComponentScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The Start-Class of this module's executable {@code nacos-server.jar}: in place of Nacos 2.3's
 * {@code com.alibaba.nacos.Nacos} (module nacos-console, which the republished 2.3 artifacts lack), with the same
 * annotations (component scan of {@code com.alibaba.nacos} through Nacos's module filter, Boot's two standard
 * exclusions, servlet components, scheduling) and the same main: one Spring Boot application. Everything else
 * comes from the distribution's {@code conf/} and the start script's options.
 */
@SpringBootApplication
@ComponentScan(basePackages = "com.alibaba.nacos", excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {NacosTypeExcludeFilter.class}),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {TypeExcludeFilter.class}),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {AutoConfigurationExcludeFilter.class})})
@ServletComponentScan(basePackages = "com.alibaba.nacos")
@EnableScheduling
public class NacosServer {

    public static void main(String[] args) {
        SpringApplication.run(NacosServer.class, args);
    }
}
