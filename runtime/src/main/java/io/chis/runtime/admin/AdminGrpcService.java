package io.chis.runtime.admin;

import io.chis.common.RetrySchedule;
import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.ApplyEndpointResponse;
import io.chis.proto.v1.ApplyEventTypeResponse;
import io.chis.proto.v1.ApplyPolicyResponse;
import io.chis.proto.v1.CreateAccountRequest;
import io.chis.proto.v1.CreateAccountResponse;
import io.chis.proto.v1.DeleteEndpointRequest;
import io.chis.proto.v1.DeleteEndpointResponse;
import io.chis.proto.v1.DeleteEventTypeRequest;
import io.chis.proto.v1.DeleteEventTypeResponse;
import io.chis.proto.v1.DeletePolicyRequest;
import io.chis.proto.v1.DeletePolicyResponse;
import io.chis.proto.v1.EndpointHealth;
import io.chis.proto.v1.EndpointSpec;
import io.chis.proto.v1.EndpointStats;
import io.chis.proto.v1.EndpointStatsRequest;
import io.chis.proto.v1.EventTypeSpec;
import io.chis.proto.v1.Policy;
import io.chis.runtime.auth.AccountService;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.endpoint.EndpointDraft;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.endpoint.EndpointService;
import io.chis.runtime.eventtype.EventTypeCatalog;
import io.chis.runtime.grpc.BearerToken;
import io.chis.runtime.grpc.Grpc;
import io.chis.runtime.policy.DeliveryPolicy;
import io.chis.runtime.policy.PolicyRepository;
import io.chis.runtime.support.ApiException;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * The admin API the operator calls to apply DeliveryPolicy and WebhookEndpoint resources and read endpoint
 * stats; every call needs the admin token.
 */
public class AdminGrpcService implements AdminServiceGrpc.AsyncService, BindableService {

    private final EndpointService endpoints;
    private final EndpointRepository endpointRecords;
    private final PolicyRepository policies;
    private final EventTypeCatalog eventTypes;
    private final AccountService accounts;
    private final ServerInterceptor auth;

    public AdminGrpcService(
            EndpointService endpoints,
            EndpointRepository endpointRecords,
            PolicyRepository policies,
            EventTypeCatalog eventTypes,
            AccountService accounts,
            ChisSettings settings) {
        this.accounts = accounts;
        this.endpoints = endpoints;
        this.endpointRecords = endpointRecords;
        this.policies = policies;
        this.eventTypes = eventTypes;
        this.auth = BearerToken.required(
                settings.adminToken(), "AdminService", "the admin API is off: CHIS_ADMIN_TOKEN is not set");
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerInterceptors.intercept(AdminServiceGrpc.bindService(this), auth);
    }

    @Override
    public void applyPolicy(Policy request, StreamObserver<ApplyPolicyResponse> observer) {
        Grpc.respond(
                Mono.defer(() -> {
                    DeliveryPolicy policy = toPolicy(request);
                    return policies.upsert(policy)
                            .thenReturn(ApplyPolicyResponse.newBuilder()
                                    .setSchedule(policy.schedule().describe())
                                    .build());
                }),
                observer);
    }

    @Override
    public void deletePolicy(DeletePolicyRequest request, StreamObserver<DeletePolicyResponse> observer) {
        Grpc.respond(
                policies.delete(request.getName())
                        .map(d ->
                                DeletePolicyResponse.newBuilder().setDeleted(d).build()),
                observer);
    }

    @Override
    public void applyEndpoint(EndpointSpec request, StreamObserver<ApplyEndpointResponse> observer) {
        Grpc.respond(
                Mono.defer(() -> {
                            if (request.getRef().isBlank()) return Mono.error(invalid("ref is required"));
                            if (request.getOwnerEmail().isBlank())
                                return Mono.error(invalid("owner_email is required"));
                            EndpointDraft draft = new EndpointDraft(
                                    request.getName(),
                                    request.getUrl(),
                                    List.copyOf(request.getEventTypesList()),
                                    request.getPolicy(),
                                    request.getHeadersMap(),
                                    request.getDisabled(),
                                    request.getOrdering(),
                                    request.getFilterJson());
                            return endpoints
                                    .applyDeclared(
                                            request.getRef(), request.getOwnerEmail(), draft, request.getSecret())
                                    .map(e -> ApplyEndpointResponse.newBuilder()
                                            .setId(e.id().toString())
                                            .build());
                        })
                        .onErrorMap(ApiException.class, e -> invalid(e.getMessage()))
                        .onErrorMap(
                                EndpointService.OwnerConsentMissingException.class,
                                e -> Status.PERMISSION_DENIED
                                        .withDescription(e.getMessage())
                                        .asRuntimeException())
                        .onErrorMap(
                                EndpointService.OwnerNotFoundException.class,
                                e -> Status.FAILED_PRECONDITION
                                        .withDescription(e.getMessage())
                                        .asRuntimeException()),
                observer);
    }

    @Override
    public void deleteEndpoint(DeleteEndpointRequest request, StreamObserver<DeleteEndpointResponse> observer) {
        Grpc.respond(
                endpoints
                        .deleteDeclared(request.getRef())
                        .map(d -> DeleteEndpointResponse.newBuilder()
                                .setDeleted(d)
                                .build()),
                observer);
    }

    @Override
    public void getEndpointStats(EndpointStatsRequest request, StreamObserver<EndpointStats> observer) {
        Grpc.respond(
                endpointRecords
                        .findByRef(request.getRef())
                        .switchIfEmpty(Mono.error(() -> Status.NOT_FOUND
                                .withDescription("no endpoint for " + request.getRef())
                                .asRuntimeException()))
                        .flatMap(e -> Mono.zip(
                                        endpointRecords.stats(e.id()),
                                        missingPolicy(e.policy()),
                                        endpointRecords.health(e.id()))
                                .map(t -> {
                                    var s = t.getT1();
                                    String missing = t.getT2();
                                    var stats = EndpointStats.newBuilder()
                                            .setId(e.id().toString())
                                            .setDelivered(s.delivered())
                                            .setFailed(s.failed())
                                            .setDeadLettered(s.deadLettered())
                                            .setDisabled(e.disabled())
                                            .setDisabledReason(e.disabledReason() == null ? "" : e.disabledReason())
                                            .setMissingPolicy(missing);
                                    if (s.lastAttemptAt() != null)
                                        stats.setLastAttemptAt(s.lastAttemptAt().toString());
                                    if (s.lastStatusCode() != null) stats.setLastStatusCode(s.lastStatusCode());
                                    stats.setHealth(health(t.getT3()));
                                    return stats.build();
                                })),
                observer);
    }

    @Override
    public void applyEventType(EventTypeSpec request, StreamObserver<ApplyEventTypeResponse> observer) {
        Grpc.respond(
                Mono.defer(() -> {
                            if (request.getRef().isBlank()) return Mono.error(invalid("ref is required"));
                            if (request.getOwnerEmail().isBlank())
                                return Mono.error(invalid("owner_email is required"));
                            return eventTypes.applyDeclared(
                                    request.getRef(),
                                    request.getOwnerEmail(),
                                    request.getName(),
                                    request.getDescription().isEmpty() ? null : request.getDescription(),
                                    request.getSchema().isEmpty() ? null : request.getSchema());
                        })
                        .map(t -> ApplyEventTypeResponse.newBuilder()
                                .setName(t.name())
                                .build())
                        .onErrorMap(ApiException.class, e -> invalid(describe(e)))
                        .onErrorMap(EventTypeCatalog.DeclaredElsewhereException.class, e -> invalid(e.getMessage()))
                        .onErrorMap(
                                EndpointService.OwnerConsentMissingException.class,
                                e -> Status.PERMISSION_DENIED
                                        .withDescription(e.getMessage())
                                        .asRuntimeException())
                        .onErrorMap(
                                EndpointService.OwnerNotFoundException.class,
                                e -> Status.FAILED_PRECONDITION
                                        .withDescription(e.getMessage())
                                        .asRuntimeException()),
                observer);
    }

    @Override
    public void createAccount(CreateAccountRequest request, StreamObserver<CreateAccountResponse> observer) {
        Grpc.respond(
                accounts.create(
                                request.getEmail(),
                                request.getPassword(),
                                request.getFirstName(),
                                request.getLastName())
                        .map(a -> CreateAccountResponse.newBuilder()
                                .setId(a.id().toString())
                                .build())
                        .onErrorMap(
                                ApiException.class,
                                e -> (e.status() == HttpStatus.CONFLICT
                                                ? Status.ALREADY_EXISTS
                                                : Status.INVALID_ARGUMENT)
                                        .withDescription(e.getMessage())
                                        .asRuntimeException()),
                observer);
    }

    @Override
    public void deleteEventType(DeleteEventTypeRequest request, StreamObserver<DeleteEventTypeResponse> observer) {
        Grpc.respond(
                eventTypes
                        .deleteDeclared(request.getRef())
                        .map(d -> DeleteEventTypeResponse.newBuilder()
                                .setDeleted(d)
                                .build()),
                observer);
    }

    /** The refusal with each violation, e.g. "schema is not a valid JSON Schema (2020-12): /type: ...". */
    private static String describe(ApiException e) {
        if (e.violations() == null || e.violations().isEmpty()) return e.getMessage();
        return e.getMessage() + ": "
                + String.join(
                        "; ",
                        e.violations().stream()
                                .map(v -> (v.pointer().isEmpty() ? "" : v.pointer() + ": ") + v.message())
                                .toList());
    }

    private static EndpointHealth health(EndpointRepository.Health h) {
        var health = EndpointHealth.newBuilder().setConsecutiveFailures(h.consecutiveFailures());
        if (h.lastSuccessAt() != null) health.setLastSuccessAt(h.lastSuccessAt().toString());
        if (h.lastFailureAt() != null) health.setLastFailureAt(h.lastFailureAt().toString());
        if (h.successRate1h() != null) health.setSuccessRate1H(h.successRate1h());
        if (h.successRate24h() != null) health.setSuccessRate24H(h.successRate24h());
        return health.build();
    }

    private Mono<String> missingPolicy(String name) {
        if (name == null) return Mono.just("");
        return policies.find(name).map(p -> "").defaultIfEmpty(name);
    }

    static DeliveryPolicy toPolicy(Policy p) {
        if (p.getName().isBlank()) throw invalid("name is required");
        try {
            return new DeliveryPolicy(
                    p.getName(),
                    new RetrySchedule(
                            p.getMaxRetries(),
                            Duration.ofMillis(p.getInitialDelayMs()),
                            p.getMultiplier(),
                            Duration.ofMillis(p.getMaxDelayMs()),
                            p.getJitter()),
                    Duration.ofMillis(p.getTimeoutMs()),
                    p.getRateLimitPerSecond());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static RuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }
}
