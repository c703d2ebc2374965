package io.chis.runtime.config;

import java.net.BindException;
import java.util.function.Supplier;

/**
 * A start-up failure the user can fix, told in one line that names the variable or resource and what to do: exit
 * code 2 for configuration, 1 for the environment (a busy port, an unreachable store, a data directory in use).
 */
public final class StartupFailure extends RuntimeException {

    public static final int CONFIGURATION = 2;
    public static final int ENVIRONMENT = 1;

    private final int exitCode;

    private StartupFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static StartupFailure configuration(String message) {
        return new StartupFailure(message, CONFIGURATION);
    }

    public static StartupFailure environment(String message) {
        return new StartupFailure(message, ENVIRONMENT);
    }

    public int exitCode() {
        return exitCode;
    }

    /** The failure in the user's terms, or null for an unexpected one (whose stack trace is worth showing). */
    public static StartupFailure explain(Throwable e) {
        if (e instanceof StartupFailure failure) return failure;
        // settings validation names the variable in its message
        if (e instanceof IllegalArgumentException) return configuration(e.getMessage());
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return environment("a port is in use (" + cause.getMessage()
                        + "): set HTTP_PORT, GRPC_PORT or METRICS_PORT to a free port");
            }
        }
        return null;
    }

    /**
     * Runs a start-up step of a {@code main}; a failure the user can fix is printed as {@code chis: <message>} on
     * stderr and ends the JVM with its exit code.
     */
    public static <T> T orExit(Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            StartupFailure failure = explain(e);
            if (failure == null) throw e;
            System.err.println("chis: " + failure.getMessage());
            System.exit(failure.exitCode());
            throw failure;
        }
    }
}
