package io.chis.runtime.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.schedule.Scheduler;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** CHIS_RETENTION drops whole day partitions past the window; newer data stays whole and partitions are made ahead. */
class RetentionIT {

    @Test
    void partitionsPastTheWindowAreDroppedAndNewerDataIsIntact() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_RETENTION", "3d");
        Db db = new Db(env.get("DATABASE_URL"));
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                ChisRuntime runtime = TestRuntime.start(env)) {
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String recent = api.send(key, "{\"url\":\"" + receiver.url("/r") + "\",\"payload\":{\"n\":1}}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "delivered".equals(api.message(key, recent).get("status")));

            // Ten days ago (a day partition of its own) and two days ago (inside the window) get a message each.
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            db.query("select chis_create_day_partitions(?::date, ?::date)", today.minusDays(10), today.minusDays(10));
            UUID account = UUID.fromString(
                    (String) db.query("select account_id::text as a from messages where id = ?::uuid", recent)
                            .get(0)
                            .get("a"));
            UUID old = insertMessage(db, account, "10 days");
            UUID kept = insertMessage(db, account, "2 days");
            db.query(
                    "insert into idempotency_keys (account_id, key, message_id, message_created_at, created_at)"
                            + " values (?, 'stale', ?, now() - interval '10 days', now() - interval '25 hours')",
                    account,
                    old);

            // A lookup by a UUIDv7 id reads one partition; an unbounded one (ids made before V21) reads them all.
            var span = io.chis.runtime.persist.MessageRepository.span(java.util.List.of(UUID.fromString(recent)));
            String bounded = plan(
                    db,
                    "select status from messages where id = '" + recent + "' and created_at between '"
                            + span.get("from") + "'::timestamptz and '" + span.get("to") + "'::timestamptz");
            String unbounded = plan(db, "select status from messages where id = '" + recent + "'");
            System.out.println("Lookup by id, bounded by its time:\n" + bounded + "\nunbounded:\n" + unbounded);
            assertThat(partitionsRead(bounded)).isEqualTo(1);
            assertThat(partitionsRead(unbounded)).isGreaterThan(8);

            maintainHistory(runtime);

            String oldDay = "messages_p" + DateTimeFormatter.BASIC_ISO_DATE.format(today.minusDays(10));
            assertThat(db.count(
                            "select count(*) from pg_class where relname like ?",
                            "%_p" + DateTimeFormatter.BASIC_ISO_DATE.format(today.minusDays(10))))
                    .as(oldDay + " and its deliveries' and attempts' partitions dropped")
                    .isZero();
            assertThat(db.count("select count(*) from messages where id = ?::uuid", old))
                    .isZero();
            assertThat(db.count("select count(*) from deliveries where message_id = ?::uuid", kept))
                    .isEqualTo(1);
            assertThat(db.count("select count(*) from delivery_attempts")).isEqualTo(2);
            assertThat(api.message(key, recent).get("status")).isEqualTo("delivered");
            assertThat(db.count("select count(*) from idempotency_keys where key = 'stale'"))
                    .isZero();
            assertThat(db.count(
                            "select count(*) from pg_class where relname = ?",
                            "delivery_attempts_p" + DateTimeFormatter.BASIC_ISO_DATE.format(today.plusDays(7))))
                    .as("partitions made a week ahead")
                    .isEqualTo(1);
        }
    }

    private static String plan(Db db, String sql) {
        return db.query("explain (analyze, costs off, timing off) " + sql).stream()
                .map(row -> String.valueOf(row.values().iterator().next()))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static long partitionsRead(String plan) {
        return plan.lines().filter(l -> l.contains(" on messages_")).count();
    }

    private static UUID insertMessage(Db db, UUID account, String age) {
        UUID message = UUID.randomUUID(), delivery = UUID.randomUUID();
        db.query(
                "insert into messages (id, account_id, payload, status, created_at)"
                        + " values (?, ?, '\\x7b7d'::bytea, 'delivered', now() - ?::interval)",
                message,
                account,
                age);
        db.query(
                "insert into deliveries (id, message_id, account_id, url, status, attempt_count, created_at)"
                        + " select ?, id, account_id, 'http://127.0.0.1:9/', 'delivered', 1, created_at from messages"
                        + " where id = ?",
                delivery,
                message);
        db.query(
                "insert into delivery_attempts (delivery_id, attempt, at, status_code, duration_ms, created_at)"
                        + " select id, 1, now(), 200, 5, created_at from deliveries where id = ?",
                delivery);
        return message;
    }

    // The scheduler runs this hourly; the test runs one round now.
    private static void maintainHistory(ChisRuntime runtime) {
        runtime.context().getBean(Scheduler.class).maintainHistory().block(Duration.ofSeconds(30));
    }
}
