package io.nacosistio.plugin.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.net.SocketAddress;

/** Puts the caller's address into the gRPC context so streams can log who they serve. */
final class PeerInterceptor implements ServerInterceptor {

    static final Context.Key<SocketAddress> CURRENT_PEER = Context.key("nacos-mesh-peer");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return Contexts.interceptCall(Context.current().withValue(CURRENT_PEER, peer), call, headers, next);
    }
}
