package io.chis.runtime.eventtype;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Schema;
import io.chis.runtime.endpoint.EndpointService;
import io.chis.runtime.endpoint.EventTypes;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.RecentLookups;
import io.chis.runtime.support.Violation;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An account's event types from both sources (REST and WebhookEventType resources, named by {@code ref}), and the
 * check of a payload against its type's schema on the send path. What the send path finds for a type (its compiled
 * schema, or that it has none or does not exist) is remembered: this process forgets it as soon as it changes the
 * type, other processes read it again within {@link #REREAD}.
 */
@Service
public class EventTypeCatalog {

    /** How long another process may go on using a type's previous schema. */
    public static final Duration REREAD = Duration.ofSeconds(5);

    static final int MAX_DESCRIPTION = 1000;

    private record Key(UUID accountId, String name) {}

    private final EventTypeRepository types;
    private final EndpointService owners;
    // the schema each (account, type) has now; none (no schema, or no such type) is what most sends find, so it is
    // remembered too
    private final RecentLookups<Key, Schema> current = new RecentLookups<>(REREAD, 100_000, true);
    // compiled once per distinct schema document, whichever types share it
    private final Cache<String, Schema> compiled = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofHours(1))
            .maximumSize(10_000)
            .build();

    public EventTypeCatalog(EventTypeRepository types, EndpointService owners) {
        this.types = types;
        this.owners = owners;
    }

    public Mono<EventType> put(UUID accountId, String name, String description, String schema) {
        return Mono.fromRunnable(() -> validate(name, description, schema))
                .then(types.find(accountId, name))
                .flatMap(existing -> existing.ref() == null ? Mono.just(existing) : Mono.error(managed(existing)))
                .then(Mono.defer(() -> types.upsert(accountId, name, null, description, schema)))
                .doOnNext(this::forget);
    }

    public Mono<EventType> get(UUID accountId, String name) {
        return types.find(accountId, name)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no event type " + name)));
    }

    public Flux<EventType> list(UUID accountId) {
        return types.list(accountId);
    }

    public Mono<Void> delete(UUID accountId, String name) {
        return get(accountId, name)
                .flatMap(existing -> existing.ref() == null
                        ? types.delete(accountId, name).doOnNext(d -> forget(existing))
                        : Mono.error(managed(existing)))
                .then();
    }

    /** Creates or replaces the type a resource declares; a renamed or re-owned resource leaves its old type. */
    public Mono<EventType> applyDeclared(
            String ref, String ownerEmail, String name, String description, String schema) {
        return Mono.fromRunnable(() -> validate(name, description, schema))
                .then(owners.declaredOwner("ApplyEventType", ref, ownerEmail))
                .flatMap(owner -> types.find(owner.id(), name)
                        .flatMap(same -> same.ref() != null && !same.ref().equals(ref)
                                ? Mono.error(new DeclaredElsewhereException(same))
                                : Mono.just(same))
                        .then(types.findByRef(ref))
                        .flatMap(previous -> previous.accountId().equals(owner.id())
                                        && previous.name().equals(name)
                                ? Mono.just(previous)
                                : types.delete(previous.accountId(), previous.name())
                                        .doOnNext(d -> forget(previous))
                                        .thenReturn(previous))
                        .then(Mono.defer(() -> types.upsert(owner.id(), name, ref, description, schema))))
                .doOnNext(this::forget);
    }

    public Mono<Boolean> deleteDeclared(String ref) {
        return types.findByRef(ref)
                .flatMap(existing ->
                        types.delete(existing.accountId(), existing.name()).doOnNext(d -> forget(existing)))
                .defaultIfEmpty(false);
    }

    /** Completes when the payload satisfies its type's schema (or the type has none); else a 422 listing why. */
    public Mono<Void> check(UUID accountId, String eventType, byte[] payload) {
        return current.get(new Key(accountId, eventType), this::schemaOf).flatMap(schema -> {
            List<Violation> violations = EventSchemas.violations(schema, payload);
            if (violations.isEmpty()) return Mono.empty();
            return Mono.error(new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "payload does not match the schema of event type " + eventType + " ("
                            + (violations.size() == 1 ? "1 violation" : violations.size() + " violations") + ")",
                    violations));
        });
    }

    /** How many times the send path read a type from the database (the rest were answered from memory). */
    public long lookups() {
        return current.lookups();
    }

    private Mono<Schema> schemaOf(Key key) {
        return types.find(key.accountId(), key.name())
                .flatMap(t -> Mono.justOrEmpty(t.schema()))
                .map(s -> compiled.get(s, EventSchemas::compile));
    }

    private void forget(EventType type) {
        current.forget(new Key(type.accountId(), type.name()));
    }

    private static void validate(String name, String description, String schema) {
        if (name == null || !EventTypes.isValidType(name)) {
            throw ApiException.badRequest(
                    "event type name must be dot-separated words of letters, digits, '_' or '-' (no wildcard)");
        }
        if (EventTypes.isOperational(name)) {
            throw ApiException.badRequest("event types starting with " + EventTypes.OPERATIONAL_PREFIX
                    + " are Chis's own operational events");
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description must be at most " + MAX_DESCRIPTION + " characters");
        }
        if (schema != null) {
            List<Violation> problems = EventSchemas.problems(schema);
            if (!problems.isEmpty()) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "schema is not a valid JSON Schema (2020-12)", problems);
            }
        }
    }

    private static ApiException managed(EventType existing) {
        return ApiException.conflict("event type " + existing.name() + " is managed by the WebhookEventType resource "
                + existing.ref() + "; change it there");
    }

    /** Another resource already declares this type for the same account. */
    public static final class DeclaredElsewhereException extends RuntimeException {
        DeclaredElsewhereException(EventType existing) {
            super(
                    "event type " + existing.name() + " of this owner is already declared by WebhookEventType "
                            + existing.ref(),
                    null,
                    false,
                    false);
        }
    }
}
