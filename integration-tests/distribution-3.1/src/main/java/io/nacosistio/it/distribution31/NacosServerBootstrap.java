package io.nacosistio.it.distribution31;

import com.alibaba.nacos.NacosServerBasicApplication;
import com.alibaba.nacos.NacosServerWebApplication;
import com.alibaba.nacos.console.NacosConsole;
import com.alibaba.nacos.core.listener.startup.NacosStartUp;
import com.alibaba.nacos.core.listener.startup.NacosStartUpManager;
import com.alibaba.nacos.sys.env.DeploymentType;
import com.alibaba.nacos.sys.env.EnvUtil;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Start-Class of this module's executable {@code nacos-server.jar}: Nacos 3.1's server started the way its
 * own {@code NacosBootstrap} (module nacos-bootstrap, which the republished 3.1 artifacts lack) starts the
 * "server" deployment: the deployment type from {@code -Dnacos.deployment.type}, the core start-up phase and
 * the core context (no web server), then the web phase and the server web context as its child; or the
 * "console" deployment: the console phase and the console context alone, which reaches Nacos servers over
 * HTTP and holds no naming or config data. "merged" (both in one process) is refused: the tests run the two
 * deployments apart. Nothing else is set here: ports, storage and plugins come from the distribution's
 * {@code conf/} and the start script's options.
 */
public final class NacosServerBootstrap {

    private NacosServerBootstrap() {
    }

    public static void main(String[] args) {
        String type = System.getProperty("nacos.deployment.type", "merged");
        DeploymentType deployment = DeploymentType.getType(type);
        if (deployment == DeploymentType.CONSOLE) {
            EnvUtil.setDeploymentType(deployment);
            NacosStartUpManager.start(NacosStartUp.CONSOLE_START_UP_PHASE);
            new SpringApplicationBuilder(NacosConsole.class).run(args);
            return;
        }
        if (deployment != DeploymentType.SERVER) {
            throw new IllegalArgumentException("nacos.deployment.type=" + type + " is not started by this jar; start"
                    + " it with bin/startup.sh -d server (-Dnacos.deployment.type=server) or -d console");
        }
        EnvUtil.setDeploymentType(deployment);
        NacosStartUpManager.start(NacosStartUp.CORE_START_UP_PHASE);
        ConfigurableApplicationContext core = new SpringApplicationBuilder(NacosServerBasicApplication.class)
                .web(WebApplicationType.NONE).run(args);
        NacosStartUpManager.start(NacosStartUp.WEB_START_UP_PHASE);
        new SpringApplicationBuilder(NacosServerWebApplication.class).parent(core).run(args);
    }
}
