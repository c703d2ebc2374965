package io.chis.runtime.persist;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.grpc.GrpcTls;
import io.chis.runtime.tracing.GrpcTracing;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    @Override
    public void stop() {
        health.enterTerminalState();
        for (Server server : new Server[] {network, inProcess}) {
            if (server == null) continue;
            server.shutdown();
            try {
                server.awaitTermination(10, TimeUnit.SECONDS);
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
