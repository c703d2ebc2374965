package io.chis.runtime.testing;

import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/** The operator's side of the admin gRPC API: a plaintext channel to the delivery role with the admin token. */
public final class AdminClient implements AutoCloseable {

    public final AdminServiceBlockingStub stub;
    public final ManagedChannel channel;

    public AdminClient(int grpcPort, String adminToken) {
        channel = NettyChannelBuilder.forAddress("localhost", grpcPort)
                .usePlaintext()
                .build();
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + adminToken);
        stub = AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
