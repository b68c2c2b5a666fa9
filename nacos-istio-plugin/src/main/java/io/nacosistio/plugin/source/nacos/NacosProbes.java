package io.nacosistio.plugin.source.nacos;

import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.ReadinessProbe.Check;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Readiness probes that read Nacos by reflection, shared by the naming and config adapters: a JRaft group
 * having a leader, and the try/call/catch every such probe has. Safe from any thread; no probe throws.
 */
public final class NacosProbes {

    static final String PROTOCOL_MANAGER = "com.alibaba.nacos.core.distributed.ProtocolManager";
    static final String CONSISTENCY_PROTOCOL = "com.alibaba.nacos.consistency.ConsistencyProtocol";
    static final String PROTOCOL_META_DATA = "com.alibaba.nacos.consistency.ProtocolMetaData";

    private NacosProbes() {
    }

    /** A check that reads Nacos by reflection. */
    public interface ReflectiveCheck {
        Check run() throws ReflectiveOperationException;
    }

    /**
     * The probe of {@code part} that runs {@code check}; a failure of the call (or of what Nacos ran) reports
     * {@link Check.State#NOT_READY}: "{@code what} cannot be read" with the cause.
     */
    public static ReadinessProbe reflective(String part, String what, ReflectiveCheck check) {
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

    /**
     * A probe of one JRaft group of this Nacos: ready once a leader is known for it (in standalone mode at
     * once, as no group is replicated).
     *
     * @param holding what the group holds, in words ("persistent instances")
     */
    public static ReadinessProbe raftGroup(String part, String group, String holding, BeanLookup beans,
            NacosMode mode) {
        if (mode.standalone) {
            return ReadinessProbe.fixed(part, Check.ready("standalone: " + holding + " are not replicated"));
        }
        if (mode.problem != null) {
            return ReadinessProbe.fixed(part, Check.unknown(mode.problem));
        }
        ClassLoader loader = NacosProbes.class.getClassLoader();
        List<String> missing = new ArrayList<>();
        Class<?> managerType = Reflection.load(PROTOCOL_MANAGER, loader, missing);
        Method getCp = Reflection.method(managerType, "getCpProtocol", missing);
        Method metaData = Reflection.method(Reflection.load(CONSISTENCY_PROTOCOL, loader, missing), "protocolMetaData",
                missing);
        Method get = Reflection.method(Reflection.load(PROTOCOL_META_DATA, loader, missing), "get", missing,
                String.class, String.class);
        if (!missing.isEmpty()) {
            return ReadinessProbe.fixed(part, Check.unknown("this Nacos has no " + String.join(", ", missing)));
        }
        Object manager;
        try {
            manager = beans.get(managerType);
        } catch (RuntimeException e) {
            manager = null;
        }
        if (manager == null) {
            return ReadinessProbe.fixed(part, Check.unknown("this Nacos has no " + PROTOCOL_MANAGER + " bean"));
        }
        Object protocols = manager;
        String what = "JRaft group " + group;
        return reflective(part, what, () -> {
            Object protocol = getCp.invoke(protocols);
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
}
