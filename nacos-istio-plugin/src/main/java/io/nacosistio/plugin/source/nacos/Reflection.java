package io.nacosistio.plugin.source.nacos;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Finding Nacos's classes and methods by name, so that a class of the plugin stays loadable on a Nacos without
 * them and the plugin can say what is missing instead of failing where the JVM first resolves it.
 */
public final class Reflection {

    private Reflection() {
    }

    /** The class, or null when this Nacos has none (or it cannot be linked). */
    public static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** The class, or null with "class {@code name}" added to {@code missing}. */
    public static Class<?> load(String name, ClassLoader loader, List<String> missing) {
        Class<?> type = load(name, loader);
        if (type == null) {
            missing.add("class " + name);
        }
        return type;
    }

    /** The public method, or null with "method ..." added to {@code missing}; null too when {@code type} is. */
    public static Method method(Class<?> type, String name, List<String> missing, Class<?>... parameters) {
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
}
