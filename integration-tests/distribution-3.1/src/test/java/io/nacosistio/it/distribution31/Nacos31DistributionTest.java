package io.nacosistio.it.distribution31;

import io.nacosistio.it.DistributionContract;
import io.nacosistio.it.NacosDistribution;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The drop-in jar in a Nacos 3.1 distribution started by its start script's options ({@code -d server}). */
class Nacos31DistributionTest extends DistributionContract {

    @Override
    protected Path serverJar() {
        return Paths.get(System.getProperty("nacos.server.jar"));
    }

    @Override
    protected NacosDistribution.StartScript startScript() {
        return NacosDistribution.StartScript.NACOS_3_1_SERVER;
    }

    /**
     * The settings of Nacos 3.1's {@code conf/application.properties} a standalone start needs: its port and
     * context path, the embedded-storage and naming defaults, auth as shipped (off for clients) with the three
     * values the start script makes an operator fill in, the built-in istio module off, and the Prometheus
     * endpoint switched on the way the file's commented-out line does.
     */
    @Override
    protected String applicationProperties(int httpPort) {
        return """
                nacos.server.main.port=%d
                nacos.server.contextPath=/nacos
                nacos.naming.empty-service.auto-clean=true
                nacos.naming.empty-service.clean.initial-delay-ms=50000
                nacos.naming.empty-service.clean.period-time-ms=30000
                management.endpoints.web.exposure.include=prometheus
                management.metrics.export.elastic.enabled=false
                management.metrics.export.influx.enabled=false
                server.error.include-message=ALWAYS
                nacos.security.ignore.urls=/,/error,/**/*.css,/**/*.js,/**/*.html,/**/*.map,/**/*.svg,/**/*.png,/**/*.ico,/console-ui/public/**,/v1/auth/**,/v1/console/health/**,/actuator/**,/v1/console/server/**
                nacos.core.auth.system.type=nacos
                nacos.core.auth.enabled=false
                nacos.core.auth.admin.enabled=true
                nacos.core.auth.console.enabled=true
                nacos.core.auth.server.identity.key=distribution-test
                nacos.core.auth.server.identity.value=distribution-test
                nacos.core.auth.plugin.nacos.token.secret.key=VGhpc0lzTXlDdXN0b21TZWNyZXRLZXkwMTIzNDU2Nzg=
                nacos.istio.mcp.server.enabled=false
                nacos.k8s.sync.enabled=false
                nacos.deployment.type=merged
                # Embedded Derby gets 3 s to open by default; a first start on a busy machine takes longer.
                db.pool.config.connectionTimeout=60000
                """.formatted(httpPort);
    }
}
