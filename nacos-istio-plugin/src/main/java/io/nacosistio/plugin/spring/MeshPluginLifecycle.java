package io.nacosistio.plugin.spring;

import io.nacosistio.plugin.assembly.MeshPlugin;
import io.nacosistio.plugin.assembly.MeshPluginSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts the plugin ({@link MeshPlugin}, built from the {@code nacos.mesh.*} properties of Nacos's environment
 * and Nacos's beans) once Nacos's context is up and stops it with Nacos. A failure to start (port in use,
 * a Nacos version whose internals differ, a bad property) is logged once with its cause and never
 * propagates: Nacos keeps serving its own clients.
 *
 * <p>A JVM-wide guard makes sure only one instance runs even if several contexts create this bean.
 */
public final class MeshPluginLifecycle implements SmartLifecycle {

    static final String ENABLED_PROPERTY = "nacos.mesh.mcp.enabled";
    /** Nacos 3's deployment type: {@code merged} (default), {@code server}, {@code console}. */
    static final String DEPLOYMENT_TYPE_PROPERTY = "nacos.deployment.type";

    private static final Logger LOG = LoggerFactory.getLogger(MeshPluginLifecycle.class);
    private static final AtomicReference<MeshPluginLifecycle> RUNNING = new AtomicReference<>();

    private final ApplicationContext context;
    private final Environment environment;
    private volatile MeshPlugin plugin;
    private volatile boolean running;

    MeshPluginLifecycle(ApplicationContext context, Environment environment) {
        this.context = context;
        this.environment = environment;
    }

    @Override
    public void start() {
        running = true;
        if (!RUNNING.compareAndSet(null, this)) {
            LOG.info("nacos-istio-plugin: already running in another Spring context; not starting again");
            return;
        }
        String off = offReason(environment);
        if (off != null) {
            RUNNING.compareAndSet(this, null);
            LOG.info("nacos-istio-plugin is off: {}", off);
            return;
        }
        try {
            MeshPluginSettings settings = MeshPluginSettings.from(environment::getProperty);
            plugin = MeshPlugin.start(settings, new SpringBeanLookup(context));
        } catch (Throwable e) {
            RUNNING.compareAndSet(this, null);
            LOG.error("nacos-istio-plugin could not start and is disabled; Nacos keeps running without it. Cause: {}",
                    describe(e), e);
        }
    }

    @Override
    public void stop() {
        running = false;
        MeshPlugin current = plugin;
        plugin = null;
        if (current != null) {
            try {
                current.close();
            } catch (RuntimeException e) {
                LOG.warn("nacos-istio-plugin: error while stopping", e);
            }
        }
        RUNNING.compareAndSet(this, null);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Why the plugin must not start in this Nacos process although it is enabled, or null. A Nacos 3
     * console-only process ({@code nacos.deployment.type=console}) holds no naming or config data: it
     * reaches the servers over HTTP, so there is nothing to serve istiod from.
     */
    static String offReason(PropertyResolver properties) {
        String deployment = properties.getProperty(DEPLOYMENT_TYPE_PROPERTY, "").trim();
        if (deployment.equalsIgnoreCase("console")) {
            return "this Nacos process is a console only (" + DEPLOYMENT_TYPE_PROPERTY + "=" + deployment
                    + ") and holds no naming or config data; enable the plugin on the Nacos server nodes and point "
                    + "istiod at them";
        }
        return null;
    }

    /** Starts after Nacos's own components, stops before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    @Override
    public boolean isAutoStartup() {
        return true;
    }

    @Override
    public void stop(Runnable callback) {
        stop();
        callback.run();
    }

    /** The running plugin, or null; for tests and the debug view. */
    public MeshPlugin plugin() {
        return plugin;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        Throwable cause = e.getCause();
        while (cause != null && cause != e) {
            sb.append(" <- ").append(cause.getMessage() == null ? cause.toString() : cause.getMessage());
            e = cause;
            cause = cause.getCause();
        }
        return sb.toString();
    }
}
