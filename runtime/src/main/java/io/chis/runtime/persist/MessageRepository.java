package io.chis.runtime.persist;

import static io.chis.runtime.auth.AccountRepository.instant;

import io.chis.runtime.persist.MessageRecord.AttemptRecord;
import io.chis.runtime.persist.MessageRecord.DeliveryRecord;
import io.chis.runtime.persist.MessageRecord.MinuteCount;
import io.chis.runtime.persist.MessageRecord.Stats;
import io.chis.runtime.support.TimeOrderedId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for messages, their deliveries and attempts. */
@Repository
public class MessageRepository {

    /** What a submission answers: the message id, its status, how many deliveries, and whether it was a repeat. */
    public record Submitted(UUID id, String status, int deliveries, boolean duplicate) {}

    /** A page position: the last (created_at, id) seen, newest first. */
    public record Cursor(Instant createdAt, UUID id) {

        public String encode() {
            long micros = createdAt.getEpochSecond() * 1_000_000L + createdAt.getNano() / 1_000;
            return java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((micros + ":" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException when the text is not a cursor this server issued */
        private static final long LATEST_MICROS =
                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() * 1_000_000L;

        public static Cursor decode(String text) {
            String[] parts = new String(
                            java.util.Base64.getUrlDecoder().decode(text), java.nio.charset.StandardCharsets.UTF_8)
                    .split(":", 2);
            if (parts.length != 2) throw new IllegalArgumentException("malformed cursor");
            long micros = Long.parseLong(parts[0]);
            // a time PostgreSQL cannot compare with would fail the query: only times this server could have issued
            if (micros < 0 || micros > LATEST_MICROS) throw new IllegalArgumentException("cursor out of range");
            return new Cursor(
                    Instant.ofEpochSecond(
                            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
                    UUID.fromString(parts[1]));
        }
    }

    private final DatabaseClient db;

    /** How much of an attempt's response body a message read shows. */
    public static final int RESPONSE_PREVIEW = 512;

    public MessageRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The :from and :to of a {@link TimeOrderedId.Span}, which keeps a lookup by id to its partitions. */
    public static Map<String, Object> span(Collection<UUID> ids) {
        TimeOrderedId.Span span = TimeOrderedId.Span.of(ids);
        return Map.of("from", span.from(), "to", span.to());
    }

    /** Frees an idempotency key whose 24 hours have passed, so it can name a new message. */
    public Mono<Void> expireIdempotencyKey(UUID accountId, String key) {
        return db.sql("""
                        delete from idempotency_keys
                        where account_id = :account and key = :key and created_at < now() - interval '24 hours'""").bind("account", accountId).bind("key", key).then();
    }

    /**
     * A message to store with its deliveries (one per url, with its endpoint or null); its id and its deliveries'
     * carry {@code createdAt} ({@link TimeOrderedId}), which also places their rows in its day's partitions.
     */
    public record NewMessage(
            UUID id,
            UUID accountId,
            String eventType,
            byte[] payload,
            List<UUID> deliveryIds,
            List<String> urls,
            List<UUID> endpointIds,
            Instant createdAt,
            String traceparent) {

        /** A message without deliveries has nothing left to do. */
        public String status() {
            return deliveryIds.isEmpty() ? MessageStatus.DELIVERED : MessageStatus.PENDING;
        }

        /** The endpoint of delivery {@code i} as SQL array text ('' for none, cast back with nullif). */
        String endpointText(int i) {
            UUID endpoint = endpointIds.get(i);
            return endpoint == null ? "" : endpoint.toString();
        }
    }

    /**
     * Inserts the idempotency key, the message and its deliveries in one statement (one round trip, atomic on its
     * own); empty when the idempotency key already names a message.
     */
    public Mono<UUID> insert(NewMessage message, String idempotencyKey) {
        var spec = db.sql("""
                        with key as (
                          insert into idempotency_keys (account_id, key, message_id, message_created_at)
                          values (:account, :key, :id, :createdAt)
                          on conflict (account_id, key) do nothing
                          returning message_id
                        ), message as (
                          insert into messages (id, account_id, event_type, payload, status, created_at, traceparent)
                          select :id, :account, :eventType, :payload, :status, :createdAt, :traceparent from key
                          returning id
                        ), delivery as (
                          insert into deliveries (id, message_id, account_id, url, endpoint_id, next_attempt_at, created_at)
                          select t.id, message.id, :account, t.url, nullif(t.endpoint, '')::uuid, now(), :createdAt
                          from message, unnest(:deliveryIds::uuid[], :urls::text[], :endpoints::text[]) as t(id, url, endpoint)
                        )
                        select id from message""")
                .bind("id", message.id())
                .bind("createdAt", OffsetDateTime.ofInstant(message.createdAt(), ZoneOffset.UTC))
                .bind("key", idempotencyKey)
                .bind("account", message.accountId())
                .bind("payload", message.payload())
                .bind("status", message.status())
                .bind("deliveryIds", message.deliveryIds().toArray(UUID[]::new))
                .bind("urls", message.urls().toArray(String[]::new))
                .bind(
                        "endpoints",
                        IntStream.range(0, message.deliveryIds().size())
                                .mapToObj(message::endpointText)
                                .toArray(String[]::new));
        spec = message.eventType() == null
                ? spec.bindNull("eventType", String.class)
                : spec.bind("eventType", message.eventType());
        spec = message.traceparent() == null
                ? spec.bindNull("traceparent", String.class)
                : spec.bind("traceparent", message.traceparent());
        return spec.map(row -> row.get("id", UUID.class)).one();
    }

    /**
     * Inserts many messages (without idempotency keys) and their deliveries in one statement: one round trip and one
     * commit for all of them. Payloads travel base64-encoded so that every byte arrives exactly as sent.
     */
    public Mono<Void> insertAll(List<NewMessage> batch) {
        List<UUID> deliveryIds = new ArrayList<>(),
                deliveryMessages = new ArrayList<>(),
                deliveryAccounts = new ArrayList<>();
        List<String> urls = new ArrayList<>(), endpoints = new ArrayList<>(), deliveryCreatedAts = new ArrayList<>();
        for (NewMessage m : batch) {
            for (int i = 0; i < m.deliveryIds().size(); i++) {
                deliveryIds.add(m.deliveryIds().get(i));
                deliveryMessages.add(m.id());
                deliveryAccounts.add(m.accountId());
                urls.add(m.urls().get(i));
                endpoints.add(m.endpointText(i));
                deliveryCreatedAts.add(m.createdAt().toString());
            }
        }
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        return db.sql("""
                        with message as (
                          insert into messages (id, account_id, event_type, payload, status, created_at, traceparent)
                          select t.id, t.account, nullif(t.event_type, ''), decode(t.payload, 'base64'), t.status,
                                 t.created_at::timestamptz, nullif(t.traceparent, '')
                          from unnest(:ids::uuid[], :accounts::uuid[], :eventTypes::text[], :payloads::text[], :statuses::text[],
                                      :createdAts::text[], :traceparents::text[])
                               as t(id, account, event_type, payload, status, created_at, traceparent)
                        ), delivery as (
                          insert into deliveries (id, message_id, account_id, url, endpoint_id, next_attempt_at, created_at)
                          select t.id, t.message, t.account, t.url, nullif(t.endpoint, '')::uuid, now(), t.created_at::timestamptz
                          from unnest(:deliveryIds::uuid[], :deliveryMessages::uuid[], :deliveryAccounts::uuid[], :urls::text[],
                                      :endpoints::text[], :deliveryCreatedAts::text[])
                               as t(id, message, account, url, endpoint, created_at)
                        )
                        select 1""")
                .bind("ids", batch.stream().map(NewMessage::id).toArray(UUID[]::new))
                .bind("accounts", batch.stream().map(NewMessage::accountId).toArray(UUID[]::new))
                .bind(
                        "eventTypes",
                        batch.stream()
                                .map(m -> m.eventType() == null ? "" : m.eventType())
                                .toArray(String[]::new))
                .bind(
                        "payloads",
                        batch.stream()
                                .map(m -> base64.encodeToString(m.payload()))
                                .toArray(String[]::new))
                .bind("statuses", batch.stream().map(NewMessage::status).toArray(String[]::new))
                .bind(
                        "createdAts",
                        batch.stream().map(m -> m.createdAt().toString()).toArray(String[]::new))
                .bind("deliveryCreatedAts", deliveryCreatedAts.toArray(String[]::new))
                .bind(
                        "traceparents",
                        batch.stream()
                                .map(m -> m.traceparent() == null ? "" : m.traceparent())
                                .toArray(String[]::new))
                .bind("deliveryIds", deliveryIds.toArray(UUID[]::new))
                .bind("deliveryMessages", deliveryMessages.toArray(UUID[]::new))
                .bind("deliveryAccounts", deliveryAccounts.toArray(UUID[]::new))
                .bind("urls", urls.toArray(String[]::new))
                .bind("endpoints", endpoints.toArray(String[]::new))
                .then();
    }

    /** The message an idempotency key names, and whether it was submitted with the same request. */
    public record Existing(Submitted submitted, boolean sameRequest) {}

    /**
     * The message an idempotency key already names, as its first submission answered; {@code sameRequest} compares
     * payload and event type, and the URL of an ad-hoc send ({@code adHocUrl}, null for a fan-out).
     */
    public Mono<Existing> findByIdempotencyKey(UUID accountId, String key, NewMessage request, String adHocUrl) {
        var spec = db.sql("""
                        select m.id, %s as status,
                               (select count(*) from deliveries d
                                where d.message_id = m.id and d.created_at = m.created_at) as deliveries,
                               (m.payload = :payload and m.event_type is not distinct from :eventType
                                and (:url::text is null
                                     or exists (select 1 from deliveries d where d.message_id = m.id
                                                and d.created_at = m.created_at and d.url = :url)))
                               as same
                        from idempotency_keys k join messages m on m.id = k.message_id and m.created_at = k.message_created_at
                        where k.account_id = :account and k.key = :key""".formatted(MessageStatus.current("m")))
                .bind("account", accountId)
                .bind("key", key)
                .bind("payload", request.payload());
        spec = request.eventType() == null
                ? spec.bindNull("eventType", String.class)
                : spec.bind("eventType", request.eventType());
        spec = adHocUrl == null ? spec.bindNull("url", String.class) : spec.bind("url", adHocUrl);
        return spec.map(row -> new Existing(
                        new Submitted(
                                row.get("id", UUID.class),
                                row.get("status", String.class),
                                row.get("deliveries", Long.class).intValue(),
                                true),
                        Boolean.TRUE.equals(row.get("same", Boolean.class))))
                .one();
    }

    /** Whose message it is and its event type, for what follows from one of its deliveries. */
    public record Origin(UUID accountId, String eventType) {}

    public Mono<Origin> origin(UUID id) {
        return db.sql("select account_id, event_type from messages where id = :id")
                .bind("id", id)
                .map(row -> new Origin(row.get("account_id", UUID.class), row.get("event_type", String.class)))
                .one();
    }

    public Mono<MessageRecord> find(UUID accountId, UUID id) {
        Mono<MessageRecord> message = db.sql("""
                        select id, event_type, %s as status, created_at from messages m
                        where id = :id and account_id = :account and created_at between :from::timestamptz and :to::timestamptz""".formatted(MessageStatus.current("m")))
                .bind("id", id)
                .bindValues(span(List.of(id)))
                .bind("account", accountId)
                .map(row -> new MessageRecord(
                        row.get("id", UUID.class),
                        row.get("event_type", String.class),
                        row.get("status", String.class),
                        instant(row, "created_at"),
                        List.of()))
                .one();
        return message.flatMap(m -> deliveries(List.of(m.id()), true)
                .collectList()
                .map(ds -> new MessageRecord(m.id(), m.eventType(), m.status(), m.createdAt(), ds)));
    }

    /** A page of the account's messages, newest first, each with its deliveries (without attempts). */
    public Mono<List<MessageRecord>> page(UUID accountId, String status, String eventType, Cursor after, int limit) {
        String current = MessageStatus.current("m");
        StringBuilder sql = new StringBuilder("select id, event_type, " + current
                + " as status, created_at from messages m where account_id = :account");
        // an unfinished message's stored status is pending or retrying, whatever its deliveries are doing
        if (status != null && MessageStatus.FINISHED.contains(status)) sql.append(" and status = :status");
        else if (status != null) sql.append(" and status in ('pending', 'retrying') and " + current + " = :status");
        if (eventType != null) sql.append(" and event_type = :eventType");
        if (after != null) sql.append(" and (created_at, id) < (:afterAt, :afterId)");
        sql.append(" order by created_at desc, id desc limit :limit");
        var spec = db.sql(sql.toString()).bind("account", accountId).bind("limit", limit);
        if (status != null) spec = spec.bind("status", status);
        if (eventType != null) spec = spec.bind("eventType", eventType);
        if (after != null) {
            spec = spec.bind("afterAt", OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC))
                    .bind("afterId", after.id());
        }
        return spec.map(row -> new MessageRecord(
                        row.get("id", UUID.class),
                        row.get("event_type", String.class),
                        row.get("status", String.class),
                        instant(row, "created_at"),
                        List.<DeliveryRecord>of()))
                .all()
                .collectList()
                .flatMap(messages -> messages.isEmpty()
                        ? Mono.just(messages)
                        : deliveries(messages.stream().map(MessageRecord::id).toList(), false)
                                .collect(Collectors.groupingBy(DeliveryRecord::messageId))
                                .map(byMessage -> messages.stream()
                                        .map(m -> new MessageRecord(
                                                m.id(),
                                                m.eventType(),
                                                m.status(),
                                                m.createdAt(),
                                                byMessage.getOrDefault(m.id(), List.of())))
                                        .toList()));
    }

    private Flux<DeliveryRecord> deliveries(Collection<UUID> messageIds, boolean withAttempts) {
        UUID[] ids = messageIds.toArray(UUID[]::new);
        Flux<DeliveryRecord> deliveries = db.sql("""
                        select id, message_id, url, endpoint_id, status, attempt_count, next_attempt_at
                        from deliveries
                        where message_id = any(:ids) and created_at between :from::timestamptz and :to::timestamptz
                        order by created_at, id""")
                .bind("ids", ids)
                .bindValues(span(messageIds))
                .map(row -> new DeliveryRecord(
                        row.get("id", UUID.class),
                        row.get("message_id", UUID.class),
                        row.get("url", String.class),
                        row.get("endpoint_id", UUID.class),
                        row.get("status", String.class),
                        row.get("attempt_count", Integer.class),
                        instant(row, "next_attempt_at"),
                        List.of()))
                .all();
        if (!withAttempts) return deliveries;
        return deliveries
                .collectList()
                .flatMapMany(list -> attempts(
                                list.stream().map(DeliveryRecord::id).toList())
                        .map(byDelivery -> list.stream()
                                .map(d -> new DeliveryRecord(
                                        d.id(),
                                        d.messageId(),
                                        d.url(),
                                        d.endpointId(),
                                        d.status(),
                                        d.attemptCount(),
                                        d.nextAttemptAt(),
                                        byDelivery.getOrDefault(d.id(), List.of())))
                                .toList())
                        .flatMapIterable(x -> x));
    }

    private Mono<Map<UUID, List<AttemptRecord>>> attempts(List<UUID> deliveryIds) {
        if (deliveryIds.isEmpty()) return Mono.just(Map.of());
        return db.sql("""
                        select delivery_id, attempt, at, status_code, duration_ms, error,
                               left(response_body, :preview) as response_body
                        from delivery_attempts
                        where delivery_id = any(:ids) and created_at between :from::timestamptz and :to::timestamptz
                        order by delivery_id, attempt""")
                .bind("ids", deliveryIds.toArray(UUID[]::new))
                .bindValues(span(deliveryIds))
                .bind("preview", RESPONSE_PREVIEW)
                .map(row -> Map.entry(
                        row.get("delivery_id", UUID.class),
                        new AttemptRecord(
                                row.get("attempt", Integer.class),
                                instant(row, "at"),
                                row.get("status_code", Integer.class),
                                row.get("duration_ms", Long.class),
                                row.get("error", String.class),
                                row.get("response_body", String.class))))
                .all()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    /** The account's messages by status (every status, zero included) and its attempts per minute over the last hour. */
    public Mono<Stats> stats(UUID accountId) {
        Mono<Map<String, Long>> byStatus = db.sql(
                        "select %s as status, count(*) as n from messages m where account_id = :account group by 1"
                                .formatted(MessageStatus.current("m")))
                .bind("account", accountId)
                .map(row -> Map.entry(row.get("status", String.class), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(found -> {
                    Map<String, Long> all = new TreeMap<>();
                    MessageStatus.ALL.forEach(s -> all.put(s, found.getOrDefault(s, 0L)));
                    return all;
                });
        // generate_series gives every minute a row, so quiet minutes count zero
        Mono<List<MinuteCount>> minutes = db.sql("""
                        with recent as (
                          select date_trunc('minute', a.at) as minute, a.status_code
                          from delivery_attempts a join deliveries d on d.id = a.delivery_id
                          where d.account_id = :account and a.at >= date_trunc('minute', now()) - interval '59 minutes')
                        select m.minute,
                               count(r.minute) filter (where r.status_code between 200 and 299) as delivered,
                               count(r.minute) filter (where r.status_code is null or r.status_code not between 200 and 299) as failed
                        from generate_series(date_trunc('minute', now()) - interval '59 minutes',
                                             date_trunc('minute', now()), interval '1 minute') as m(minute)
                        left join recent r on r.minute = m.minute
                        group by m.minute order by m.minute""")
                .bind("account", accountId)
                .map(row -> new MinuteCount(
                        instant(row, "minute"), row.get("delivered", Long.class), row.get("failed", Long.class)))
                .all()
                .collectList();
        return Mono.zip(byStatus, minutes, Stats::new);
    }

    /**
     * What replaying a dead delivery sets: pending now, with a fresh retry schedule; its attempts and webhook-id
     * (the message id) stay.
     */
    public static final String REPLAY = "status = 'pending', retry_base = attempt_count, next_attempt_at = now(),"
            + " locked_until = null, updated_at = now()";

    /** Puts the message's dead deliveries back to pending, restarting their retry schedule. */
    public Flux<UUID> replayDead(UUID accountId, UUID messageId) {
        return db.sql("""
                        update deliveries set %s
                        where message_id = :message and account_id = :account and status = 'dead'
                          and created_at between :from::timestamptz and :to::timestamptz
                        returning id""".formatted(REPLAY))
                .bind("message", messageId)
                .bindValues(span(List.of(messageId)))
                .bind("account", accountId)
                .map(row -> row.get("id", UUID.class))
                .all();
    }

    /** Recomputes the messages' stored statuses from their deliveries, in one statement (rows locked in id order). */
    public Mono<Void> refreshStatuses(Collection<UUID> messageIds) {
        if (messageIds.isEmpty()) return Mono.empty();
        return db.sql("""
                        with rolling_up as (
                          select id, created_at from messages
                          where id = any(:messages) and created_at between :from::timestamptz and :to::timestamptz
                          order by id for update
                        )
                        update messages m set status = s.status from (
                          select d.message_id, d.created_at, %s as status
                          from deliveries d where (d.message_id, d.created_at) in (select id, created_at from rolling_up)
                          group by d.message_id, d.created_at
                        ) s
                        where m.id = s.message_id and m.created_at = s.created_at and m.status <> s.status""".formatted(MessageStatus.storedRollUp("d.status")))
                .bind("messages", messageIds.toArray(UUID[]::new))
                .bindValues(span(messageIds))
                .then();
    }

    /** Recomputes a message's stored status from its deliveries ({@link MessageStatus#storedRollUp}). */
    public Mono<Void> refreshStatus(UUID messageId) {
        return db.sql("""
                        update messages m set status = s.status from (
                          select %s as status
                          from deliveries d
                          where d.message_id = :message and d.created_at between :from::timestamptz and :to::timestamptz
                        ) s
                        where m.id = :message and m.created_at between :from::timestamptz and :to::timestamptz
                          and s.status is not null and m.status <> s.status""".formatted(MessageStatus.storedRollUp("d.status")))
                .bind("message", messageId)
                .bindValues(span(List.of(messageId)))
                .then();
    }
}
