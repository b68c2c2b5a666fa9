package io.nacosistio.it;

import java.lang.reflect.Constructor;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Boots one Nacos in this (child) JVM with a test class's launcher and keeps it up until its standard input
 * closes or the process is told to stop: {@code ChildNacosMain <NacosLauncher.Provider class> <home> <httpPort>
 * [key=value ...]}. Prints {@value #READY} once Nacos serves clients.
 */
public final class ChildNacosMain {

    public static final String READY = "CHILD-NACOS-READY";

    private ChildNacosMain() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> providerClass = Class.forName(args[0]);
        Constructor<?> constructor = providerClass.getDeclaredConstructor();
        constructor.setAccessible(true);
        NacosLauncher launcher = ((NacosLauncher.Provider) constructor.newInstance()).nacosLauncher();
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            properties.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        long started = System.nanoTime();
        NacosUnderTest nacos = launcher.start(Paths.get(args[1]), Integer.parseInt(args[2]), properties);
        Runtime.getRuntime().addShutdownHook(new Thread(nacos::close, "child-nacos-shutdown"));
        System.out.println(READY + " Nacos " + nacos.version() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        System.out.flush();
        // The parent closes our input when it goes away, also when it dies.
        while (System.in.read() != -1) {
            // nothing is sent on it
        }
        System.exit(0);
    }
}
