package io.nacosistio.plugin.source.naming;

import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.ReadinessProbe.Check;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * How this Nacos node reports that its naming data is complete, read the way Nacos 2.3 and 3.1 report it
 * themselves (their {@code ServerStatusManager} combines the same signals):
 * <ul>
 *   <li>{@code naming-ephemeral}: {@code DistroProtocol#isInitialized()}, set once Distro has loaded the
 *       snapshot of every ephemeral client from another node (at once in standalone mode);</li>
 *   <li>{@code naming-persistent}: the JRaft group of persistent instances
 *       ({@value #PERSISTENT_NAMING_GROUP}) has a known leader in {@code CPProtocol#protocolMetaData()}:
 *       this node has joined the group and replays its log (standalone mode has no JRaft).</li>
 * </ul>
 * Nacos's own readiness ({@code NamingReadinessCheckService}) is not used: in 3.x it reports ready before
 * Distro has loaded anything unless {@code nacos.naming.data.warmup} is on, and Nacos 2.3 ties it to other
 * services.
 *
 * <p>Everything is found by name and called by reflection, so that a Nacos without one of these classes
 * still runs the plugin: that probe reports {@link Check.State#UNKNOWN}, and the plugin then holds its
 * answers for the whole bounded wait. Safe from any thread.
 */
public final class NacosReadiness {

    public static final String EPHEMERAL_NAMING = "naming-ephemeral";
    public static final String PERSISTENT_NAMING = "naming-persistent";
    static final String PERSISTENT_NAMING_GROUP = "naming_persistent_service_v2";

    static final String ENV_UTIL = "com.alibaba.nacos.sys.env.EnvUtil";
    static final String DISTRO_PROTOCOL = "com.alibaba.nacos.core.distributed.distro.DistroProtocol";
    static final String PROTOCOL_MANAGER = "com.alibaba.nacos.core.distributed.ProtocolManager";
    static final String CONSISTENCY_PROTOCOL = "com.alibaba.nacos.consistency.ConsistencyProtocol";
    static final String PROTOCOL_META_DATA = "com.alibaba.nacos.consistency.ProtocolMetaData";

    private NacosReadiness() {
    }

    /** The naming probes, in the order they are reported. Never throws. */
    public static List<ReadinessProbe> namingProbes(NacosNamingSource.BeanLookup beans) {
        ClassLoader loader = NacosReadiness.class.getClassLoader();
        return namingProbes(beans, Mode.of(loader));
    }

    static List<ReadinessProbe> namingProbes(NacosNamingSource.BeanLookup beans, Mode mode) {
        ClassLoader loader = NacosReadiness.class.getClassLoader();
        return Collections.unmodifiableList(Arrays.asList(distroProbe(beans, loader, mode),
                raftGroupProbe(PERSISTENT_NAMING, PERSISTENT_NAMING_GROUP, "persistent instances", beans, mode)));
    }

    /**
     * A probe of one JRaft group of this Nacos: ready once a leader is known for it (in standalone mode at
     * once, as no group is replicated).
     */
    public static ReadinessProbe raftGroupProbe(String part, String group, String holding,
            NacosNamingSource.BeanLookup beans, Mode mode) {
        if (mode.standalone) {
            return ReadinessProbe.fixed(part, Check.ready("standalone: " + holding + " are not replicated"));
        }
        if (mode.problem != null) {
            return ReadinessProbe.fixed(part, Check.unknown(mode.problem));
        }
        ClassLoader loader = NacosReadiness.class.getClassLoader();
        List<String> missing = new ArrayList<>();
        Class<?> managerType = load(PROTOCOL_MANAGER, loader, missing);
        Method getCp = method(managerType, "getCpProtocol", missing);
        Method metaData = method(load(CONSISTENCY_PROTOCOL, loader, missing), "protocolMetaData", missing);
        Method get = method(load(PROTOCOL_META_DATA, loader, missing), "get", missing, String.class, String.class);
        if (!missing.isEmpty()) {
            return ReadinessProbe.fixed(part, Check.unknown("this Nacos has no " + String.join(", ", missing)));
        }
        Object manager;
        try {
            manager = beans.get(managerType);
        } catch (RuntimeException e) {
            return ReadinessProbe.fixed(part, Check.unknown("this Nacos has no " + PROTOCOL_MANAGER + " bean"));
        }
        if (manager == null) {
            return ReadinessProbe.fixed(part, Check.unknown("this Nacos has no " + PROTOCOL_MANAGER + " bean"));
        }
        String what = "JRaft group " + group;
        return reflectiveProbe(part, what, () -> {
            Object protocol = getCp.invoke(manager);
            if (protocol == null) {
                return Check.notReady("the JRaft protocol is not started yet");
            }
            Object leader = leaderOf(get.invoke(metaData.invoke(protocol), group, "leader"));
            return leader == null ? Check.notReady(what + " (" + holding + ") has no leader yet")
                    : Check.ready(what + " has leader " + leader);
        });
    }

    /**
     * The leader in a {@code ProtocolMetaData.get} result: a {@code ValueItem} whose data is the leader's
     * address, or null. A subscriber (Nacos's config dump waits for the leader this way) creates the item
     * before any leader is known, with no data.
     */
    private static Object leaderOf(Object item) throws ReflectiveOperationException {
        if (item == null) {
            return null;
        }
        if (!item.getClass().getName().equals(PROTOCOL_META_DATA + "$ValueItem")) {
            return item;
        }
        Object data = item.getClass().getMethod("getData").invoke(item);
        return data == null || data.toString().trim().isEmpty() ? null : data;
    }

    private static ReadinessProbe distroProbe(NacosNamingSource.BeanLookup beans, ClassLoader loader, Mode mode) {
        List<String> missing = new ArrayList<>();
        Class<?> type = load(DISTRO_PROTOCOL, loader, missing);
        Method initialized = method(type, "isInitialized", missing);
        if (!missing.isEmpty()) {
            return ReadinessProbe.fixed(EPHEMERAL_NAMING, Check.unknown("this Nacos has no " + String.join(", ", missing)));
        }
        Object distro;
        try {
            distro = beans.get(type);
        } catch (RuntimeException e) {
            distro = null;
        }
        if (distro == null) {
            return ReadinessProbe.fixed(EPHEMERAL_NAMING, Check.unknown("this Nacos has no " + DISTRO_PROTOCOL + " bean"));
        }
        Object bean = distro;
        String how = mode.standalone ? "standalone: nothing to load from other nodes"
                : "Distro loaded the ephemeral instances from the other nodes";
        return reflectiveProbe(EPHEMERAL_NAMING, "DistroProtocol", () -> Boolean.TRUE.equals(initialized.invoke(bean))
                ? Check.ready(how) : Check.notReady("Distro is still loading the ephemeral instances from the other nodes"));
    }

    /** A check that reads Nacos by reflection; whatever it throws is reported as not ready. */
    interface ReflectiveCheck {
        Check run() throws ReflectiveOperationException;
    }

    /**
     * The probe of {@code part} that runs {@code check}; a failure of the call (or of what Nacos ran) reports
     * {@link Check.State#NOT_READY}: "{@code what} cannot be read" with the cause, so the probe never throws.
     */
    static ReadinessProbe reflectiveProbe(String part, String what, ReflectiveCheck check) {
        return ReadinessProbe.of(part, () -> {
            try {
                return check.run();
            } catch (InvocationTargetException e) {
                return Check.notReady(what + " cannot be read: " + e.getCause());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return Check.notReady(what + " cannot be read: " + e);
            }
        });
    }

    private static Class<?> load(String name, ClassLoader loader, List<String> missing) {
        Class<?> type = NamingInternalsCheck.load(name, loader);
        if (type == null) {
            missing.add("class " + name);
        }
        return type;
    }

    private static Method method(Class<?> type, String name, List<String> missing, Class<?>... parameters) {
        if (type == null) {
            return null;
        }
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException | LinkageError e) {
            missing.add("method " + type.getName() + "." + name);
            return null;
        }
    }

    /** Whether this Nacos runs standalone (read once, from {@code EnvUtil.getStandaloneMode()}). */
    public static final class Mode {
        final boolean standalone;
        final String problem;

        private Mode(boolean standalone, String problem) {
            this.standalone = standalone;
            this.problem = problem;
        }

        /** A mode given outright (tests). */
        static Mode known(boolean standalone) {
            return new Mode(standalone, null);
        }

        public static Mode of(ClassLoader loader) {
            Class<?> env = NamingInternalsCheck.load(ENV_UTIL, loader);
            if (env == null) {
                return new Mode(false, "this Nacos has no class " + ENV_UTIL);
            }
            try {
                return new Mode(Boolean.TRUE.equals(env.getMethod("getStandaloneMode").invoke(null)), null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return new Mode(false, "this Nacos's " + ENV_UTIL + ".getStandaloneMode() cannot be called: " + e);
            }
        }

        public boolean standalone() {
            return standalone;
        }
    }
}
