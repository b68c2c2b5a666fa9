package io.nacosistio.it.distribution23;

import io.nacosistio.it.DistributionContract;
import io.nacosistio.it.NacosDistribution;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The drop-in jar in a Nacos 2.3 distribution started by its start script's options. */
class Nacos23DistributionTest extends DistributionContract {

    @Override
    protected Path serverJar() {
        return Paths.get(System.getProperty("nacos.server.jar"));
    }

    @Override
    protected NacosDistribution.StartScript startScript() {
        return NacosDistribution.StartScript.NACOS_2_3;
    }

    /**
     * The settings of Nacos 2.3's {@code conf/application.properties} a standalone start needs: its port and
     * context path, the storage pool and naming defaults, auth as shipped (off) with the identity and token key
     * filled in, the built-in istio module off, and the Prometheus endpoint switched on the way the file's
     * commented-out line does.
     */
    @Override
    protected String applicationProperties(int httpPort) {
        return """
                server.servlet.contextPath=/nacos
                server.error.include-message=ALWAYS
                server.port=%d
                db.pool.config.validationTimeout=10000
                db.pool.config.maximumPoolSize=20
                db.pool.config.minimumIdle=2
                nacos.config.push.maxRetryTime=50
                management.endpoints.web.exposure.include=prometheus
                management.metrics.export.elastic.enabled=false
                management.metrics.export.influx.enabled=false
                nacos.security.ignore.urls=/,/error,/**/*.css,/**/*.js,/**/*.html,/**/*.map,/**/*.svg,/**/*.png,/**/*.ico,/console-ui/public/**,/v1/auth/**,/v1/console/health/**,/actuator/**,/v1/console/server/**
                nacos.core.auth.system.type=nacos
                nacos.core.auth.enabled=false
                nacos.core.auth.caching.enabled=true
                nacos.core.auth.enable.userAgentAuthWhite=false
                nacos.core.auth.server.identity.key=distribution-test
                nacos.core.auth.server.identity.value=distribution-test
                nacos.core.auth.plugin.nacos.token.secret.key=VGhpc0lzTXlDdXN0b21TZWNyZXRLZXkwMTIzNDU2Nzg=
                nacos.istio.mcp.server.enabled=false
                # Embedded Derby gets 3 s to open by default (the shipped file says 30 s for a database); a first
                # start on a busy machine takes longer.
                db.pool.config.connectionTimeout=60000
                """.formatted(httpPort);
    }
}
