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
 * @param hostConcurrency  {@code CHIS_HOST_CONCURRENCY}: attempts in flight to one destination host per worker process
 * @param timeout          {@code CHIS_DELIVERY_TIMEOUT}: one attempt, connect to last byte of the response
 * @param claimTimeout     {@code CHIS_CLAIM_TIMEOUT}: idle time after which another worker takes over a stream entry
 * @param shutdownGrace    {@code CHIS_WORKER_SHUTDOWN_GRACE}: how long a stopping worker lets attempts finish
 * @param schedulerTick    {@code CHIS_SCHEDULER_TICK}: how often due retries move from the sorted set to the stream
 * @param sweepInterval    {@code CHIS_SWEEP_INTERVAL}: how often PostgreSQL is swept for work Redis lost
 * @param sweepGrace       {@code CHIS_SWEEP_GRACE}: how long past its due time a delivery may wait before the sweep queues it again
 * @param defaultPolicy    {@code CHIS_DEFAULT_POLICY}: the DeliveryPolicy for deliveries whose endpoint names none; null
 *                         for the built-in schedule
 * @param dbPoolSize       {@code CHIS_DB_POOL_SIZE}: PostgreSQL connections this process may open (all its roles)
 * @param retention        {@code CHIS_RETENTION}: how long messages, deliveries and attempts are kept; zero keeps them
 * @param endpointDisableAfter {@code CHIS_ENDPOINT_DISABLE_AFTER}: how long an endpoint may fail without a success
 *                         before it is disabled; zero never disables one
 */
public record DeliverySettings(
        int concurrency,
        int hostConcurrency,
        Duration timeout,
        Duration claimTimeout,
        Duration shutdownGrace,
        Duration schedulerTick,
        Duration sweepInterval,
        Duration sweepGrace,
        String defaultPolicy,
        int dbPoolSize,
        Duration retention,
        Duration endpointDisableAfter) {

    /** The defaults of {@link Setting}'s table. */
    public static final DeliverySettings DEFAULTS = fromEnv(Map.of());

    public DeliverySettings {
        if (claimTimeout.compareTo(timeout) <= 0) {
            throw new IllegalArgumentException(
                    "CHIS_CLAIM_TIMEOUT (" + claimTimeout + ") must be longer than " + "CHIS_DELIVERY_TIMEOUT ("
                            + timeout + "), or live deliveries would be taken over by other workers");
        }
    }

    public static DeliverySettings fromEnv(Map<String, String> env) {
        Duration timeout = duration(env, Setting.CHIS_DELIVERY_TIMEOUT, false);
        String claim = Setting.CHIS_CLAIM_TIMEOUT.raw(env);
        int concurrency = ChisSettings.positiveInt(env, Setting.CHIS_WORKER_CONCURRENCY);
        return new DeliverySettings(
                concurrency,
                Setting.CHIS_HOST_CONCURRENCY.raw(env) == null
                        ? Math.max(1, concurrency / 4)
                        : ChisSettings.positiveInt(env, Setting.CHIS_HOST_CONCURRENCY),
                timeout,
                claim == null ? timeout.multipliedBy(2) : duration(env, Setting.CHIS_CLAIM_TIMEOUT, false),
                duration(env, Setting.CHIS_WORKER_SHUTDOWN_GRACE, true),
                duration(env, Setting.CHIS_SCHEDULER_TICK, false),
                duration(env, Setting.CHIS_SWEEP_INTERVAL, false),
                duration(env, Setting.CHIS_SWEEP_GRACE, true),
                Setting.CHIS_DEFAULT_POLICY.raw(env),
                ChisSettings.positiveInt(env, Setting.CHIS_DB_POOL_SIZE),
                duration(env, Setting.CHIS_RETENTION, true),
                duration(env, Setting.CHIS_ENDPOINT_DISABLE_AFTER, true));
    }

    /**
     * How long a worker holds a delivery in PostgreSQL: past the request timeout, so a live worker keeps it, and
     * before the claim timeout, so the worker that takes over the stream entry finds the lock expired.
     */
    public Duration lease() {
        return timeout.plus(claimTimeout.minus(timeout).dividedBy(2));
    }

    /** Any duration {@link Durations} reads ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 5d}, bare seconds). */
    static Duration duration(Map<String, String> env, Setting setting, boolean zeroAllowed) {
        String raw = setting.value(env);
        try {
            Duration value = Durations.parse(raw.toLowerCase(Locale.ROOT));
            if (value.isZero() && !zeroAllowed) throw new IllegalArgumentException();
            return value;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " must be a " + (zeroAllowed ? "" : "positive ")
                    + "duration such as 500ms, 30s, 2m or a number of seconds, got '" + raw + "'");
        }
    }
}
