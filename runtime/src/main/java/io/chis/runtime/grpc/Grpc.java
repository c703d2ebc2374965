package io.chis.runtime.grpc;

import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.StoreOutage;
import io.chis.runtime.tracing.Tracing;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** Bridges between gRPC's StreamObserver and Reactor on both sides of the api → delivery call. */
public final class Grpc {

    private static final Logger log = LoggerFactory.getLogger(Grpc.class);

    private Grpc() {}

    /** Server side: completes the observer with the Mono's value, or with a gRPC status for its error. */
    public static <T> void respond(Mono<T> result, StreamObserver<T> observer) {
        // The caller's deadline passing (or its cancelling) cancels the work: a message still waiting for its group
        // commit is then never written, so a client told 503 has not had its message stored after all.
        Context call = Context.current();
        // the server span the tracing interceptor made current goes down the pipeline (to the commit and the message)
        if (Tracing.on()) result = result.contextWrite(Tracing.with(io.opentelemetry.context.Context.current()));
        Disposable work = result.subscribe(
                value -> {
                    observer.onNext(value);
                    observer.onCompleted();
                },
                error -> {
                    if (error instanceof StatusRuntimeException status) {
                        observer.onError(status);
                    } else if (StoreOutage.is(error)) {
                        // the api answers 503 + Retry-After; StoreWatch logs the outage once, not per call
                        observer.onError(Status.UNAVAILABLE
                                .withDescription("a store of the delivery service is unavailable")
                                .asRuntimeException());
                    } else {
                        log.error("gRPC call failed", error);
                        observer.onError(Status.INTERNAL
                                .withDescription("internal error in the delivery service")
                                .asRuntimeException());
                    }
                });
        call.addListener(cancelled -> work.dispose(), Runnable::run);
    }

    /** Client side: a unary call as a Mono; gRPC statuses become the REST API's errors. */
    public static <T> Mono<T> call(Consumer<StreamObserver<T>> call) {
        // the REST request's span is current while the call starts, so the tracing interceptor makes its child
        return Mono.<T>create(sink -> Tracing.runIn(
                        sink.contextView(),
                        () -> call.accept(new StreamObserver<>() {
                            @Override
                            public void onNext(T value) {
                                sink.success(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                sink.error(t);
                            }

                            @Override
                            public void onCompleted() {
                                sink.success();
                            }
                        })))
                .onErrorMap(StatusRuntimeException.class, Grpc::toApi);
    }

    static ApiException toApi(StatusRuntimeException e) {
        String detail = e.getStatus().getDescription();
        return switch (e.getStatus().getCode()) {
            case NOT_FOUND -> ApiException.notFound(detail);
            case INVALID_ARGUMENT -> ApiException.badRequest(detail);
            case FAILED_PRECONDITION -> ApiException.conflict(detail);
            // the one use: an Idempotency-Key reused for a different request
            case ALREADY_EXISTS -> new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, detail);
            // RESOURCE_EXHAUSTED: its group-commit queue is full
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED ->
                new ApiException(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "the delivery service is unavailable; nothing was accepted, try again");
            default -> {
                log.error("Delivery service call failed", e);
                yield new ApiException(HttpStatus.BAD_GATEWAY, "the delivery service failed; nothing was accepted");
            }
        };
    }
}
