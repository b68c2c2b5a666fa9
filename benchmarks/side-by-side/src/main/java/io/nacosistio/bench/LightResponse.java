package io.nacosistio.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.MethodDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A DiscoveryResponse as the benchmark clients receive it: the fields a client needs to ACK (type URL, version,
 * nonce), the number of resources and the message's size, read without decoding the resources; the raw bytes
 * are kept for a client that decodes them. Keeps a hundred clients in the same JVM as the servers cheap.
 */
record LightResponse(String typeUrl, String version, String nonce, int resourceCount, int sizeBytes, byte[] raw) {

    private static final int VERSION_INFO = 1;
    private static final int RESOURCES = 2;
    private static final int TYPE_URL = 4;
    private static final int NONCE = 5;

    DiscoveryResponse decode() {
        try {
            return DiscoveryResponse.parseFrom(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("response is not a DiscoveryResponse", e);
        }
    }

    static LightResponse parse(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String typeUrl = "";
        String version = "";
        String nonce = "";
        int resources = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case VERSION_INFO -> version = in.readStringRequireUtf8();
                case TYPE_URL -> typeUrl = in.readStringRequireUtf8();
                case NONCE -> nonce = in.readStringRequireUtf8();
                case RESOURCES -> {
                    resources++;
                    in.skipField(tag);
                }
                default -> in.skipField(tag);
            }
        }
        return new LightResponse(typeUrl, version, nonce, resources, bytes.length, bytes);
    }

    /** Reads the whole message off the wire, then its header fields. */
    static final class Marshaller implements MethodDescriptor.Marshaller<LightResponse> {

        @Override
        public InputStream stream(LightResponse value) {
            return new java.io.ByteArrayInputStream(value.raw());
        }

        @Override
        public LightResponse parse(InputStream stream) {
            try {
                return LightResponse.parse(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable DiscoveryResponse", e);
            }
        }
    }
}
