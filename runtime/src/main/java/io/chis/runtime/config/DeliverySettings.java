package io.chis.runtime.config;

import io.chis.common.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Worker and scheduler tuning from the environment. The claim timeout must exceed the request timeout, or a
 * live worker's delivery would be claimed again by another worker while it is still waiting for the receiver.
 *
 * @param concurrency      {@code CHIS_WORKER_CONCURRENCY}: attempts in flight per worker process
 * @param timeout          {@code CHIS_DELIVERY_TIMEOUT}: one attempt, connect to last byte of the response
 * @param claimTimeout     {@code CHIS_CLAIM_TIMEOUT}: idle time after which another worker takes over a stream entry
 * @param shutdownGrace    {@code CHIS_WORKER_SHUTDOWN_GRACE}: how long a stopping worker lets attempts finish
 * @param schedulerTick    {@code CHIS_SCHEDULER_TICK}: how often due retries move from the sorted set to the stream
 * @param sweepInterval    {@code CHIS_SWEEP_INTERVAL}: how often PostgreSQL is swept for work Redis lost
 * @param sweepGrace       {@code CHIS_SWEEP_GRACE}: how long past its due time a delivery may wait before the sweep queues it again
 * @param defaultPolicy    {@code CHIS_DEFAULT_POLICY}: the DeliveryPolicy for deliveries whose endpoint names none; null
 *                         for the built-in schedule
 */
public record DeliverySettings(
        int concurrency,
        Duration timeout,
        Duration claimTimeout,
        Duration shutdownGrace,
        Duration schedulerTick,
        Duration sweepInterval,
        Duration sweepGrace,
        String defaultPolicy) {

    public static final DeliverySettings DEFAULTS = new DeliverySettings(
            64,
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofMillis(200),
            Duration.ofSeconds(15),
            Duration.ofSeconds(60),
            null);

    public DeliverySettings {
        if (claimTimeout.compareTo(timeout) <= 0) {
            throw new IllegalArgumentException(
                    "CHIS_CLAIM_TIMEOUT (" + claimTimeout + ") must be longer than " + "CHIS_DELIVERY_TIMEOUT ("
                            + timeout + "), or live deliveries would be taken over by other workers");
        }
    }

    public static DeliverySettings fromEnv(Map<String, String> env) {
        Duration timeout = duration(env, "CHIS_DELIVERY_TIMEOUT", DEFAULTS.timeout(), false);
        String defaultPolicy = env.get("CHIS_DEFAULT_POLICY");
        return new DeliverySettings(
                count(env, "CHIS_WORKER_CONCURRENCY", DEFAULTS.concurrency()),
                timeout,
                duration(env, "CHIS_CLAIM_TIMEOUT", timeout.multipliedBy(2), false),
                duration(env, "CHIS_WORKER_SHUTDOWN_GRACE", DEFAULTS.shutdownGrace(), true),
                duration(env, "CHIS_SCHEDULER_TICK", DEFAULTS.schedulerTick(), false),
                duration(env, "CHIS_SWEEP_INTERVAL", DEFAULTS.sweepInterval(), false),
                duration(env, "CHIS_SWEEP_GRACE", DEFAULTS.sweepGrace(), true),
                defaultPolicy == null || defaultPolicy.isBlank() ? null : defaultPolicy.trim());
    }

    /**
     * How long a worker holds a delivery in PostgreSQL: past the request timeout, so a live worker keeps it, and
     * before the claim timeout, so the worker that takes over the stream entry finds the lock expired.
     */
    public Duration lease() {
        return timeout.plus(claimTimeout.minus(timeout).dividedBy(2));
    }

    private static int count(Map<String, String> env, String name, int fallback) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) return fallback;
        try {
            int value = Integer.parseInt(raw.trim());
            if (value > 0) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + raw + "'");
    }

    /** Any duration {@link Durations} reads ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 5d}, bare seconds). */
    static Duration duration(Map<String, String> env, String name, Duration fallback, boolean zeroAllowed) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) return fallback;
        try {
            Duration value = Durations.parse(raw.trim().toLowerCase(Locale.ROOT));
            if (value.isZero() && !zeroAllowed) throw new IllegalArgumentException();
            return value;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a " + (zeroAllowed ? "" : "positive ")
                    + "duration such as 500ms, 30s, 2m or a number of seconds, got '" + raw + "'");
        }
    }
}
