package io.nacosistio.plugin.source.nacos;

/** Whether this Nacos runs standalone (read once, from {@code EnvUtil.getStandaloneMode()}). Immutable. */
public final class NacosMode {

    static final String ENV_UTIL = "com.alibaba.nacos.sys.env.EnvUtil";

    final boolean standalone;
    /** Why the mode could not be read, or null. */
    final String problem;

    private NacosMode(boolean standalone, String problem) {
        this.standalone = standalone;
        this.problem = problem;
    }

    /** A mode given outright (tests). */
    public static NacosMode known(boolean standalone) {
        return new NacosMode(standalone, null);
    }

    public static NacosMode of(ClassLoader loader) {
        Class<?> env = Reflection.load(ENV_UTIL, loader);
        if (env == null) {
            return new NacosMode(false, "this Nacos has no class " + ENV_UTIL);
        }
        try {
            return new NacosMode(Boolean.TRUE.equals(env.getMethod("getStandaloneMode").invoke(null)), null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new NacosMode(false, "this Nacos's " + ENV_UTIL + ".getStandaloneMode() cannot be called: " + e);
        }
    }

    public boolean standalone() {
        return standalone;
    }
}
