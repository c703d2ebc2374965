package io.chis.runtime.persist;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The daily partitions of messages, deliveries and attempts (V21): made ahead of time, and dropped whole once past
 * {@code CHIS_RETENTION}. Each change runs in its own short transaction under a transaction-scoped advisory lock,
 * so schedulers side by side take turns (one that does not get the lock skips this round), and the lock timeout
 * keeps a DDL from queueing behind long statements.
 */
@Repository
public class HistoryPartitions {

    /** The tables partitioned by day, each partition named {@code <table>_pYYYYMMDD}. */
    public static final List<String> TABLES = List.of("messages", "deliveries", "delivery_attempts");

    private static final long ADVISORY_LOCK = 0x43484953_00000021L; // "CHIS", V21
    private static final Pattern DAY = Pattern.compile("messages_p(\\d{8})");
    private static final DateTimeFormatter NAME = DateTimeFormatter.BASIC_ISO_DATE;

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    public HistoryPartitions(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    /** The days past {@code retention} at {@code now}: a day goes once all of it is older than the window. */
    public static List<LocalDate> expired(List<LocalDate> days, Instant now, Duration retention) {
        if (retention.isZero()) return List.of();
        Instant horizon = now.minus(retention);
        return days.stream()
                .filter(day -> !day.plusDays(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .isAfter(horizon))
                .sorted()
                .toList();
    }

    /** Makes the partitions from today to {@code daysAhead} days on; true when this replica did it. */
    public Mono<Boolean> createAhead(int daysAhead) {
        return locked(db.sql("select chis_create_day_partitions(current_date - 1, current_date + :ahead)")
                .bind("ahead", daysAhead)
                .then());
    }

    /** The days that have partitions. */
    public Flux<LocalDate> days() {
        return db.sql("""
                        select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                        where i.inhparent = 'messages'::regclass""").map(row -> row.get("relname", String.class)).all().flatMapIterable(name -> {
            Matcher m = DAY.matcher(name);
            return m.matches() ? List.of(LocalDate.parse(m.group(1), NAME)) : List.<LocalDate>of();
        });
    }

    /** Drops one day's partitions of the three tables; true when this replica did it. */
    public Mono<Boolean> drop(LocalDate day) {
        String suffix = "_p" + NAME.format(day);
        return locked(Flux.fromIterable(TABLES)
                .concatMap(table ->
                        db.sql("drop table if exists " + table + suffix).then())
                .then());
    }

    /** Removes idempotency keys past their 24 hours, {@code limit} at a time; returns how many. */
    public Mono<Long> expireIdempotencyKeys(int limit) {
        return db.sql("""
                        delete from idempotency_keys where ctid = any(array(
                          select ctid from idempotency_keys where created_at < now() - interval '24 hours' limit :limit))""").bind("limit", limit).fetch().rowsUpdated();
    }

    /** Removes the counters of endpoints that no longer exist. */
    public Mono<Long> forgetDeletedEndpoints() {
        return db.sql("""
                        delete from endpoint_stats s where not exists (select 1 from endpoints e where e.id = s.endpoint_id)""").fetch().rowsUpdated();
    }

    private Mono<Boolean> locked(Mono<Void> change) {
        return db.sql("select pg_try_advisory_xact_lock(:key) as locked")
                .bind("key", ADVISORY_LOCK)
                .map(row -> row.get("locked", Boolean.class))
                .one()
                .flatMap(locked -> locked ? change.thenReturn(true) : Mono.just(false))
                .as(tx::transactional);
    }
}
