package io.nacosistio.plugin.source.naming;

import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.ReadinessProbe.Check;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosMode;
import io.nacosistio.plugin.source.nacos.NacosProbes;
import io.nacosistio.plugin.source.nacos.Reflection;

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
 * <p>Everything is found by name and called by reflection (the JRaft probe is {@link NacosProbes#raftGroup}),
 * so that a Nacos without one of these classes still runs the plugin: that probe reports {@link Check.State#UNKNOWN}, and the plugin then holds its
 * answers for the whole bounded wait. Safe from any thread.
 */
public final class NacosReadiness {

    public static final String EPHEMERAL_NAMING = "naming-ephemeral";
    public static final String PERSISTENT_NAMING = "naming-persistent";
    static final String PERSISTENT_NAMING_GROUP = "naming_persistent_service_v2";

    static final String DISTRO_PROTOCOL = "com.alibaba.nacos.core.distributed.distro.DistroProtocol";

    private NacosReadiness() {
    }

    /** The naming probes, in the order they are reported. Never throws. */
    public static List<ReadinessProbe> namingProbes(BeanLookup beans) {
        return namingProbes(beans, NacosMode.of(NacosReadiness.class.getClassLoader()));
    }

    static List<ReadinessProbe> namingProbes(BeanLookup beans, NacosMode mode) {
        ClassLoader loader = NacosReadiness.class.getClassLoader();
        return Collections.unmodifiableList(Arrays.asList(distroProbe(beans, loader, mode),
                NacosProbes.raftGroup(PERSISTENT_NAMING, PERSISTENT_NAMING_GROUP, "persistent instances", beans, mode)));
    }

    private static ReadinessProbe distroProbe(BeanLookup beans, ClassLoader loader, NacosMode mode) {
        List<String> missing = new ArrayList<>();
        Class<?> type = Reflection.load(DISTRO_PROTOCOL, loader, missing);
        Method initialized = Reflection.method(type, "isInitialized", missing);
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
        String how = mode.standalone() ? "standalone: nothing to load from other nodes"
                : "Distro loaded the ephemeral instances from the other nodes";
        return NacosProbes.reflective(EPHEMERAL_NAMING, "DistroProtocol", () -> Boolean.TRUE.equals(initialized.invoke(bean))
                ? Check.ready(how) : Check.notReady("Distro is still loading the ephemeral instances from the other nodes"));
    }
}
