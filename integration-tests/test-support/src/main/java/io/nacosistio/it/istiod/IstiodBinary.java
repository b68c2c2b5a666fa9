package io.nacosistio.it.istiod;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A pinned pilot-discovery build, obtained through {@code e2e/install-istiod.sh}: the same script CI and the
 * matrix command run, so a test never builds istiod another way. Which pin is chosen by the system property
 * {@code istiod.version} ({@code newest} unless set). A pin that cannot be obtained fails the test with the
 * script's own message; it is never skipped.
 *
 * @param key   the pin's key in {@code e2e/istio-versions.properties}, e.g. {@code newest}
 * @param label the Istio release line it belongs to, e.g. {@code 1.31-dev-eed52ebb66ad}
 * @param path  the executable
 * @param needsKubeApi the build cannot start without a Kubernetes API ({@code <key>.kube-api=stand-in}): it is
 *              then given {@link KubeApiStandIn}
 */
public record IstiodBinary(String key, String label, Path path, boolean needsKubeApi) {

    public static final String VERSION_PROPERTY = "istiod.version";

    /** A cold build of istiod takes several minutes on two cores; more than this means something is stuck. */
    private static final long INSTALL_TIMEOUT_MINUTES = 30;

    /** The pin named by {@code -Distiod.version}, {@code newest} by default. */
    public static IstiodBinary selected() {
        return install(System.getProperty(VERSION_PROPERTY, "newest"));
    }

    /** Runs {@code e2e/install-istiod.sh key}; instant when the build is cached. */
    public static IstiodBinary install(String key) {
        Path root = projectRoot();
        Path script = root.resolve("e2e/install-istiod.sh");
        Properties pins = pins(root);
        String label = label(pins, key);
        boolean needsKubeApi = "stand-in".equals(pins.getProperty(key + ".kube-api"));
        List<String> stderr = new ArrayList<>();
        String stdout;
        int exit;
        try {
            Process process = new ProcessBuilder("bash", script.toString(), key).directory(root.toFile()).start();
            process.getOutputStream().close();
            Thread errors = new Thread(() -> copyLines(process.getErrorStream(), stderr), "install-istiod-stderr");
            errors.start();
            stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("e2e/install-istiod.sh " + key + " did not finish within "
                        + INSTALL_TIMEOUT_MINUTES + " minutes; its last output:\n" + tail(stderr));
            }
            errors.join(5_000);
            exit = process.exitValue();
        } catch (IOException e) {
            throw new AssertionError("could not run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while obtaining istiod " + key, e);
        }
        String[] lines = stdout.split("\n");
        Path binary = Paths.get(lines[lines.length - 1].trim());
        if (exit != 0 || stdout.isEmpty() || !Files.isExecutable(binary)) {
            throw new AssertionError("istiod '" + key + "' (" + label + ") could not be obtained: e2e/install-istiod.sh "
                    + key + " exited with " + exit + ":\n" + tail(stderr));
        }
        return new IstiodBinary(key, label, binary, needsKubeApi);
    }

    /** The checkout's root: the nearest directory, from the working directory up, holding the install script. */
    public static Path projectRoot() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("e2e/install-istiod.sh"))) {
                return dir;
            }
        }
        throw new AssertionError("no e2e/install-istiod.sh above " + Paths.get("").toAbsolutePath());
    }

    private static Properties pins(Path root) {
        Properties pins = new Properties();
        try (InputStream in = Files.newInputStream(root.resolve("e2e/istio-versions.properties"))) {
            pins.load(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read e2e/istio-versions.properties: " + e.getMessage(), e);
        }
        return pins;
    }

    private static String label(Properties pins, String key) {
        String label = pins.getProperty(key + ".label");
        if (label == null) {
            throw new AssertionError("-D" + VERSION_PROPERTY + "=" + key + " names no pin in e2e/istio-versions.properties"
                    + " (known: " + pins.stringPropertyNames().stream().filter(n -> n.endsWith(".label"))
                    .map(n -> n.substring(0, n.length() - ".label".length())).sorted().toList() + ")");
        }
        return label;
    }

    private static void copyLines(InputStream in, List<String> into) {
        try {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                synchronized (into) {
                    into.add(line);
                }
            }
        } catch (IOException e) {
            synchronized (into) {
                into.add("(reading the script's output failed: " + e.getMessage() + ")");
            }
        }
    }

    private static String tail(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        }
    }
}
