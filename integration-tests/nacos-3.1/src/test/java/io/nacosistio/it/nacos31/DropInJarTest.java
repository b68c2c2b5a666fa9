package io.nacosistio.it.nacos31;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar operators drop into Nacos's plugins/ folder, as built. */
class DropInJarTest {

    private static File dropInJar() throws Exception {
        File jar = new File(Class.forName("io.nacosistio.plugin.spring.MeshMcpAutoConfiguration")
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar.getName()).matches("nacos-istio-plugin-.*\\.jar");
        return jar;
    }

    @Test
    void everyClassIsOursOrRelocatedAndNoneIsNacos() throws Exception {
        List<String> foreign = new ArrayList<>();
        try (JarFile jar = new JarFile(dropInJar())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("io/nacosistio/")) {
                    foreign.add(name);
                }
            }
        }
        assertThat(foreign).isEmpty();
    }

    @Test
    void theRegexEngineIstiodUsesIsBundledRelocated() throws Exception {
        try (JarFile jar = new JarFile(dropInJar())) {
            assertThat(jar.getEntry("io/nacosistio/shaded/com/google/re2j/Pattern.class")).isNotNull();
            assertThat(jar.getEntry("com/google/re2j/Pattern.class")).isNull();
        }
    }

    @Test
    void everyClassRunsOnJava8() throws Exception {
        List<String> tooNew = new ArrayList<>();
        try (JarFile jar = new JarFile(dropInJar())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    int major = classMajorVersion(in);
                    if (major > 52) {
                        tooNew.add(entry.getName() + " (class file version " + major + ")");
                    }
                }
            }
        }
        assertThat(tooNew).isEmpty();
    }

    @Test
    void serviceFilesAndAutoConfigurationAreRegistered() throws Exception {
        try (JarFile jar = new JarFile(dropInJar())) {
            List<String> names = Collections.list(jar.entries()).stream().map(JarEntry::getName).toList();
            assertThat(names).contains("META-INF/spring.factories",
                    "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
            // gRPC's own service files are renamed with the relocation, so Nacos's gRPC never loads ours.
            assertThat(names).noneMatch(n -> n.startsWith("META-INF/services/io.grpc."));
            assertThat(names).anyMatch(n -> n.startsWith("META-INF/services/io.nacosistio.shaded.io.grpc."));
        }
    }

    private static int classMajorVersion(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        data.readUnsignedShort();
        return data.readUnsignedShort();
    }
}
