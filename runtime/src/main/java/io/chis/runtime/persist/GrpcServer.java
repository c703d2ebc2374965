package io.chis.runtime.persist;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.grpc.GrpcTls;
import io.chis.runtime.grpc.ServiceChannel;
import io.chis.runtime.tracing.GrpcTracing;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The delivery role's gRPC server on {@code GRPC_PORT}, plus an in-process twin that an api role in the same
 * process calls without a network hop. Health is served with the standard gRPC health service (no credentials, so
 * probes need none); the services bring their own authentication. With TLS files set, the port speaks mutual TLS.
 */
public class GrpcServer implements SmartLifecycle {

    public static final String IN_PROCESS_NAME = "chis-delivery";
    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);
    /** How long calls in flight may finish when the server stops: longer than its callers' deadlines (5 s). */
    static final Duration CALL_GRACE = Duration.ofSeconds(10);

    private static final Duration MAX_CONNECTION_AGE = Duration.ofMinutes(5);

    private final ChisSettings settings;
    private final List<BindableService> services;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server network;
    private Server inProcess;
    private GrpcTls tls;

    public GrpcServer(ChisSettings settings, List<BindableService> services) {
        this.settings = settings;
        this.services = services;
    }

    @Override
    public void start() {
        tls = new GrpcTls(settings.security().grpcTls());
        NettyServerBuilder networkBuilder =
                NettyServerBuilder.forAddress(settings.listenAddress(settings.grpcPort()), tls.server());
        InProcessServerBuilder inProcessBuilder =
                InProcessServerBuilder.forName(IN_PROCESS_NAME).directExecutor();
        // the api's and the operator's keepalive pings (ServiceChannel.KEEPALIVE_TIME) are welcome, even between calls
        networkBuilder
                .permitKeepAliveTime(ServiceChannel.KEEPALIVE_TIME.toSeconds() / 2, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                // a client's one connection is sent away now and then (GOAWAY, in-flight calls finish), so that
                // through a ClusterIP Service it lands on the replicas that started after it connected
                .maxConnectionAge(MAX_CONNECTION_AGE.toSeconds(), TimeUnit.SECONDS)
                .maxConnectionAgeGrace(CALL_GRACE.toSeconds(), TimeUnit.SECONDS);
        networkBuilder.intercept(GrpcTracing.SERVER);
        inProcessBuilder.intercept(GrpcTracing.SERVER);
        for (BindableService service : services) {
            networkBuilder.addService(service);
            inProcessBuilder.addService(service);
        }
        networkBuilder.addService(health.getHealthService());
        try {
            network = networkBuilder.build().start();
            inProcess = inProcessBuilder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("gRPC server could not listen on port " + settings.grpcPort(), e);
        }
        health.setStatus("", ServingStatus.SERVING);
        log.info(
                "gRPC delivery service listening on port {} ({})",
                settings.grpcPort(),
                tls.enabled() ? "mutual TLS" : "plaintext; set CHIS_GRPC_TLS_CERT, _KEY and _CA for TLS");
    }

    /**
     * Graceful: no new calls (clients get GOAWAY and reconnect elsewhere), calls in flight finish within
     * {@link #CALL_GRACE}, the api's deadline, on both servers at once.
     */
    @Override
    public void stop() {
        health.enterTerminalState();
        List<Server> servers = java.util.stream.Stream.of(network, inProcess)
                .filter(java.util.Objects::nonNull)
                .toList();
        servers.forEach(Server::shutdown);
        long deadline = System.nanoTime() + CALL_GRACE.toNanos();
        for (Server server : servers) {
            try {
                server.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.shutdownNow();
        }
        network = null;
        inProcess = null;
        if (tls != null) tls.close();
    }

    @Override
    public boolean isRunning() {
        return network != null;
    }

    /** Starts before the api's web server and stops after it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE / 2;
    }
}
