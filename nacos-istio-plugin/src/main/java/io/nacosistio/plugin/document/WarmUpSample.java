package io.nacosistio.plugin.document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bundled sample holding one small document of every kind the config center serves
 * ({@code warm-up.yaml} beside this class). Reading it once at start loads the YAML reader, the Istio
 * message types and the validation rules, which otherwise cost the first document an operator publishes
 * several seconds.
 */
public final class WarmUpSample {

    static final String RESOURCE = "warm-up.yaml";

    private WarmUpSample() {
    }

    public static String content() {
        try (InputStream in = WarmUpSample.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the plugin jar");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + " from the plugin jar", e);
        }
    }
}
