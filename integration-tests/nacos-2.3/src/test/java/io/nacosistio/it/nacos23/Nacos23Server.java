package io.nacosistio.it.nacos23;

import com.alibaba.nacos.sys.filter.NacosTypeExcludeFilter;
import org.springframework.boot.Banner;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.web.servlet.ServletComponentScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.nacosistio.it.TempDirs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Nacos 2.3 server in this JVM: one Spring Boot application shaped like Nacos 2's own main class
 * (component scan of {@code com.alibaba.nacos} with Nacos's module filters, servlet components,
 * scheduling), standalone with embedded Derby storage.
 */
@SpringBootApplication
@ComponentScan(basePackages = "com.alibaba.nacos", excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {NacosTypeExcludeFilter.class}),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {TypeExcludeFilter.class}),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {AutoConfigurationExcludeFilter.class})})
@ServletComponentScan(basePackages = "com.alibaba.nacos")
@EnableScheduling
public class Nacos23Server implements AutoCloseable {

    private ConfigurableApplicationContext context;
    private Path home;

    public static Nacos23Server start(Path home, int httpPort, Map<String, String> properties) {
        System.setProperty("nacos.home", home.toString());
        System.setProperty("nacos.standalone", "true");
        if (System.getProperty("nacos.logs.path") == null) {
            // Server logs; tests point them into the build directory, since appenders outlive close().
            System.setProperty("nacos.logs.path", home.resolve("logs").toString());
        }
        if (System.getProperty("JM.LOG.PATH") == null) {
            // Nacos client logs; tests point them into the build directory, which outlives the home.
            System.setProperty("JM.LOG.PATH", home.resolve("logs").toString());
        }
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + httpPort);
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        Nacos23Server server = new Nacos23Server();
        server.home = home;
        server.context = new SpringApplicationBuilder(Nacos23Server.class).bannerMode(Banner.Mode.OFF)
                .run(args.toArray(new String[0]));
        return server;
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
        TempDirs.delete(home);
    }
}
