package io.chis.operator.admin;

import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.chis.proto.v1.DeleteEndpointRequest;
import io.chis.proto.v1.DeleteEventTypeRequest;
import io.chis.proto.v1.DeletePolicyRequest;
import io.chis.proto.v1.EndpointSpec;
import io.chis.proto.v1.EndpointStats;
import io.chis.proto.v1.EndpointStatsRequest;
import io.chis.proto.v1.EventTypeSpec;
import io.chis.proto.v1.Policy;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One platform's admin API ({@code chis.v1.AdminService} on the delivery role), called with its admin token and a
 * deadline on every call. Failures surface as {@link StatusRuntimeException}; {@link SyncProblem#of} says what they mean.
 */
public final class AdminClient {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String platform;
    private final String address;
    private final AdminServiceBlockingStub stub;
    private final Duration deadline;

    AdminClient(String platform, String address, Channel channel, String token, Duration deadline) {
        this.platform = platform;
        this.address = address;
        Metadata auth = new Metadata();
        auth.put(AUTHORIZATION, "Bearer " + token);
        this.stub = AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
        this.deadline = deadline;
    }

    /** @return the retry schedule the runtime derived from it, e.g. {@code 1s,2s,4s} */
    public String applyPolicy(Policy policy) {
        return call().applyPolicy(policy).getSchedule();
    }

    public boolean deletePolicy(String name) {
        return call().deletePolicy(
                        DeletePolicyRequest.newBuilder().setName(name).build())
                .getDeleted();
    }

    /** @return the endpoint's id in the runtime */
    public String applyEndpoint(EndpointSpec endpoint) {
        return call().applyEndpoint(endpoint).getId();
    }

    public boolean deleteEndpoint(String ref) {
        return call().deleteEndpoint(
                        DeleteEndpointRequest.newBuilder().setRef(ref).build())
                .getDeleted();
    }

    /** @throws StatusRuntimeException NOT_FOUND when the runtime has no endpoint for {@code ref} */
    public EndpointStats stats(String ref) {
        return call().getEndpointStats(
                        EndpointStatsRequest.newBuilder().setRef(ref).build());
    }

    public void applyEventType(EventTypeSpec eventType) {
        call().applyEventType(eventType);
    }

    public boolean deleteEventType(String ref) {
        return call().deleteEventType(
                        DeleteEventTypeRequest.newBuilder().setRef(ref).build())
                .getDeleted();
    }

    /** The failure of a call to this platform, as a reason for status. */
    public SyncProblem problem(StatusRuntimeException e) {
        return SyncProblem.of(e, platform, address);
    }

    public String platform() {
        return platform;
    }

    public String address() {
        return address;
    }

    // a deadline is fixed when the stub is made: one fresh stub per call
    private AdminServiceBlockingStub call() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
