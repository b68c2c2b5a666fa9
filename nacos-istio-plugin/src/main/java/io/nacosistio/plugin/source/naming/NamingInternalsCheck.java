package io.nacosistio.plugin.source.naming;

import io.nacosistio.plugin.source.nacos.NacosInternalsMismatchException;
import io.nacosistio.plugin.source.nacos.Reflection;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Checks, by name and by reflection only, that this Nacos has every class and method of its v2 naming core
 * that the naming source calls (Nacos 2.2 to 3.x have them all, with the same signatures).
 *
 * <p>Why up front: the JVM resolves a missing class or method only when the code first runs, which would
 * turn a version mismatch into errors on Nacos's event threads or in the middle of a read. This class
 * imports nothing from Nacos, so it loads and runs even when Nacos's naming classes are absent, and it
 * reports every mismatch at once.
 */
final class NamingInternalsCheck {

    static final String SERVICE_MANAGER = "com.alibaba.nacos.naming.core.v2.ServiceManager";
    static final String SERVICE = "com.alibaba.nacos.naming.core.v2.pojo.Service";
    static final String CLIENT_SERVICE_INDEXES_MANAGER = "com.alibaba.nacos.naming.core.v2.index.ClientServiceIndexesManager";
    static final String CLIENT_MANAGER = "com.alibaba.nacos.naming.core.v2.client.manager.ClientManager";
    static final String CLIENT_MANAGER_DELEGATE = "com.alibaba.nacos.naming.core.v2.client.manager.ClientManagerDelegate";
    static final String CLIENT = "com.alibaba.nacos.naming.core.v2.client.Client";
    static final String INSTANCE_PUBLISH_INFO = "com.alibaba.nacos.naming.core.v2.pojo.InstancePublishInfo";
    static final String BATCH_INSTANCE_PUBLISH_INFO = "com.alibaba.nacos.naming.core.v2.pojo.BatchInstancePublishInfo";
    static final String NAMING_METADATA_MANAGER = "com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager";
    static final String SERVICE_METADATA = "com.alibaba.nacos.naming.core.v2.metadata.ServiceMetadata";
    static final String INSTANCE_METADATA = "com.alibaba.nacos.naming.core.v2.metadata.InstanceMetadata";
    static final String INSTANCE_UTIL = "com.alibaba.nacos.naming.utils.InstanceUtil";
    static final String API_INSTANCE = "com.alibaba.nacos.api.naming.pojo.Instance";
    static final String NOTIFY_CENTER = "com.alibaba.nacos.common.notify.NotifyCenter";
    static final String EVENT = "com.alibaba.nacos.common.notify.Event";
    static final String SUBSCRIBER = "com.alibaba.nacos.common.notify.listener.Subscriber";
    static final String SMART_SUBSCRIBER = "com.alibaba.nacos.common.notify.listener.SmartSubscriber";
    static final String EVENT_PUBLISHER_FACTORY = "com.alibaba.nacos.common.notify.EventPublisherFactory";
    static final String NAMING_EVENT_PUBLISHER_FACTORY =
            "com.alibaba.nacos.naming.core.v2.event.publisher.NamingEventPublisherFactory";
    static final String SERVICE_EVENT = "com.alibaba.nacos.naming.core.v2.event.service.ServiceEvent";
    static final String SERVICE_CHANGED_EVENT = SERVICE_EVENT + "$ServiceChangedEvent";
    static final String METADATA_EVENT = "com.alibaba.nacos.naming.core.v2.event.metadata.MetadataEvent";
    static final String SERVICE_METADATA_EVENT = METADATA_EVENT + "$ServiceMetadataEvent";
    static final String INSTANCE_METADATA_EVENT = METADATA_EVENT + "$InstanceMetadataEvent";
    static final String CLIENT_EVENT = "com.alibaba.nacos.naming.core.v2.event.client.ClientEvent";
    static final String CLIENT_DISCONNECT_EVENT = CLIENT_EVENT + "$ClientDisconnectEvent";

    /** What the naming source uses, in the order a reader meets it. */
    static final List<Requirement> NAMING_CORE = Collections.unmodifiableList(Arrays.asList(
            Requirement.staticMethod(SERVICE_MANAGER, "getInstance", SERVICE_MANAGER),
            Requirement.method(SERVICE_MANAGER, "getAllNamespaces", "java.util.Set"),
            Requirement.method(SERVICE_MANAGER, "getSingletons", "java.util.Set", "java.lang.String"),
            Requirement.method(SERVICE_MANAGER, "getSingletonIfExist", "java.util.Optional", SERVICE),
            Requirement.staticMethod(SERVICE, "newService", SERVICE, "java.lang.String", "java.lang.String",
                    "java.lang.String"),
            Requirement.method(SERVICE, "getNamespace", "java.lang.String"),
            Requirement.method(SERVICE, "getGroup", "java.lang.String"),
            Requirement.method(SERVICE, "getName", "java.lang.String"),
            Requirement.method(CLIENT_SERVICE_INDEXES_MANAGER, "getAllClientsRegisteredService",
                    "java.util.Collection", SERVICE),
            Requirement.subtype(CLIENT_MANAGER_DELEGATE, CLIENT_MANAGER),
            Requirement.method(CLIENT_MANAGER, "getClient", CLIENT, "java.lang.String"),
            Requirement.method(CLIENT, "getInstancePublishInfo", INSTANCE_PUBLISH_INFO, SERVICE),
            Requirement.method(CLIENT, "getAllPublishedService", "java.util.Collection"),
            Requirement.method(INSTANCE_PUBLISH_INFO, "getMetadataId", "java.lang.String"),
            Requirement.subtype(BATCH_INSTANCE_PUBLISH_INFO, INSTANCE_PUBLISH_INFO),
            Requirement.method(BATCH_INSTANCE_PUBLISH_INFO, "getInstancePublishInfos", "java.util.List"),
            Requirement.staticMethod(INSTANCE_UTIL, "parseToApiInstance", API_INSTANCE, SERVICE,
                    INSTANCE_PUBLISH_INFO),
            Requirement.staticMethod(INSTANCE_UTIL, "updateInstanceMetadata", "void", API_INSTANCE,
                    INSTANCE_METADATA),
            Requirement.method(NAMING_METADATA_MANAGER, "getServiceMetadata", "java.util.Optional", SERVICE),
            Requirement.method(NAMING_METADATA_MANAGER, "getInstanceMetadata", "java.util.Optional", SERVICE,
                    "java.lang.String"),
            Requirement.method(SERVICE_METADATA, "getProtectThreshold", "float"),
            Requirement.method(SERVICE_METADATA, "getExtendData", "java.util.Map"),
            Requirement.method(API_INSTANCE, "getIp", "java.lang.String"),
            Requirement.method(API_INSTANCE, "getPort", "int"),
            Requirement.method(API_INSTANCE, "getWeight", "double"),
            Requirement.method(API_INSTANCE, "isHealthy", "boolean"),
            Requirement.method(API_INSTANCE, "isEnabled", "boolean"),
            Requirement.method(API_INSTANCE, "isEphemeral", "boolean"),
            Requirement.method(API_INSTANCE, "getClusterName", "java.lang.String"),
            Requirement.method(API_INSTANCE, "getMetadata", "java.util.Map"),
            Requirement.subtype(SMART_SUBSCRIBER, SUBSCRIBER),
            Requirement.method(SMART_SUBSCRIBER, "subscribeTypes", "java.util.List"),
            Requirement.staticMethod(NOTIFY_CENTER, "registerSubscriber", "void", SUBSCRIBER,
                    EVENT_PUBLISHER_FACTORY),
            Requirement.staticMethod(NOTIFY_CENTER, "deregisterSubscriber", "void", SUBSCRIBER),
            Requirement.staticMethod(NAMING_EVENT_PUBLISHER_FACTORY, "getInstance", NAMING_EVENT_PUBLISHER_FACTORY),
            Requirement.subtype(NAMING_EVENT_PUBLISHER_FACTORY, EVENT_PUBLISHER_FACTORY),
            Requirement.subtype(SERVICE_CHANGED_EVENT, SERVICE_EVENT),
            Requirement.method(SERVICE_EVENT, "getService", SERVICE),
            Requirement.subtype(SERVICE_METADATA_EVENT, METADATA_EVENT),
            Requirement.subtype(INSTANCE_METADATA_EVENT, METADATA_EVENT),
            Requirement.method(METADATA_EVENT, "getService", SERVICE),
            Requirement.subtype(CLIENT_DISCONNECT_EVENT, CLIENT_EVENT),
            Requirement.method(CLIENT_EVENT, "getClient", CLIENT),
            Requirement.subtype(SERVICE_EVENT, EVENT)));

    private NamingInternalsCheck() {
    }

    /** Throws, naming everything that is missing, unless every requirement holds in {@code loader}. */
    static void verify(List<Requirement> requirements, ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        for (Requirement requirement : requirements) {
            String problem = requirement.problemIn(loader);
            if (problem != null && !problems.contains(problem)) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new NacosInternalsMismatchException("nacos-istio-plugin cannot read this Nacos's service registry:"
                    + " its naming internals differ from the v2 naming core of Nacos 2.2 to 3.x. Missing: "
                    + String.join("; ", problems));
        }
    }

    /** One class, subtype relation or public method the naming source relies on. */
    static final class Requirement {

        private final String owner;
        private final String methodName;
        private final boolean isStatic;
        private final String returnType;
        private final String[] parameterTypes;

        private Requirement(String owner, String methodName, boolean isStatic, String returnType,
                String... parameterTypes) {
            this.owner = owner;
            this.methodName = methodName;
            this.isStatic = isStatic;
            this.returnType = returnType;
            this.parameterTypes = parameterTypes;
        }

        static Requirement method(String owner, String name, String returnType, String... parameterTypes) {
            return new Requirement(owner, name, false, returnType, parameterTypes);
        }

        static Requirement staticMethod(String owner, String name, String returnType, String... parameterTypes) {
            return new Requirement(owner, name, true, returnType, parameterTypes);
        }

        /** {@code type} exists and is assignable to {@code supertype}. */
        static Requirement subtype(String type, String supertype) {
            return new Requirement(type, null, false, supertype);
        }

        /** A description of what is missing in {@code loader}, or null when all is there. */
        String problemIn(ClassLoader loader) {
            Class<?> type = Reflection.load(owner, loader);
            if (type == null) {
                return "class " + owner;
            }
            Class<?> expectedReturn = typeOf(returnType, loader);
            if (expectedReturn == null) {
                return "class " + returnType;
            }
            if (methodName == null) {
                return expectedReturn.isAssignableFrom(type) ? null : owner + " as a kind of " + returnType;
            }
            Class<?>[] parameters = new Class<?>[parameterTypes.length];
            for (int i = 0; i < parameterTypes.length; i++) {
                parameters[i] = typeOf(parameterTypes[i], loader);
                if (parameters[i] == null) {
                    return "class " + parameterTypes[i];
                }
            }
            try {
                Method m = type.getMethod(methodName, parameters);
                boolean returnsExpected = expectedReturn == void.class ? m.getReturnType() == void.class
                        : expectedReturn.isAssignableFrom(m.getReturnType());
                if (returnsExpected && Modifier.isStatic(m.getModifiers()) == isStatic) {
                    return null;
                }
            } catch (NoSuchMethodException | LinkageError e) {
                // reported below
            }
            return "method " + signature();
        }

        private String signature() {
            return (isStatic ? "static " : "") + returnType + " " + owner + "." + methodName + "("
                    + String.join(", ", parameterTypes) + ")";
        }

        private static Class<?> typeOf(String name, ClassLoader loader) {
            switch (name) {
                case "void":
                    return void.class;
                case "int":
                    return int.class;
                case "boolean":
                    return boolean.class;
                case "float":
                    return float.class;
                case "double":
                    return double.class;
                default:
                    return Reflection.load(name, loader);
            }
        }

        @Override
        public String toString() {
            return methodName == null ? owner + " <: " + returnType : signature();
        }
    }
}
