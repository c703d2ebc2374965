package io.chis.runtime.config;

import io.chis.common.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks made before anything starts, so that the common mistakes fail in one line naming the variable rather than
 * deep inside a server's bind or a connection pool.
 */
public final class Preflight {

    /** The .env.example value, which anyone can read: a token signed with it can be forged. */
    public static final String PLACEHOLDER_JWT_SECRET = "change-me-to-a-random-string-of-32-bytes-or-more";

    private static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private Preflight() {}

    /** Configuration the roles need, then the ports they listen on. */
    public static void check(ChisSettings settings) {
        if (settings.runs(Role.API) && !settings.runsAll() && settings.jwtSecret() == null) {
            throw StartupFailure.configuration(
                    "JWT_SECRET is required for the api role (at least " + ChisSettings.MIN_JWT_SECRET_BYTES
                            + " bytes): set it, e.g. JWT_SECRET=$(openssl rand -base64 48)");
        }
        for (Map.Entry<Setting, Integer> port : ports(settings).entrySet()) {
            checkFree(port.getKey(), settings.bindAddress(), port.getValue());
        }
    }

    /** The ports this process listens on, by the variable that sets each. */
    static Map<Setting, Integer> ports(ChisSettings settings) {
        Map<Setting, Integer> ports = new LinkedHashMap<>();
        if (settings.runs(Role.API)) ports.put(Setting.HTTP_PORT, settings.httpPort());
        if (settings.runs(Role.DELIVERY)) ports.put(Setting.GRPC_PORT, settings.grpcPort());
        ports.put(Setting.METRICS_PORT, settings.metricsPort());
        return ports;
    }

    /** Checked on the address the listeners bind (CHIS_BIND_ADDRESS), else on all interfaces. */
    static void checkFree(Setting setting, String bindAddress, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port));
        } catch (IOException e) {
            String prometheus = port == 9090 ? " (Prometheus's default port too)" : "";
            throw StartupFailure.environment(
                    setting + " " + port + " is in use" + prometheus + ": set " + setting + " to a free port");
        }
    }

    /** PostgreSQL answers at DATABASE_URL's host and port. */
    public static void checkReachable(DatabaseUrl url) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.host(), url.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            throw StartupFailure.environment("cannot reach PostgreSQL at " + url.host() + ":" + url.port()
                    + " (DATABASE_URL): " + e.getMessage() + "; is PostgreSQL running?");
        }
    }
}
