package io.chis.runtime.eventtype;

import static io.chis.runtime.auth.AccountRepository.instant;

import io.r2dbc.spi.Readable;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for the event-type catalog. */
@Repository
public class EventTypeRepository {

    private final DatabaseClient db;

    public EventTypeRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Creates or replaces the account's type; {@code ref} is set for a resource's and cleared for a REST write. */
    public Mono<EventType> upsert(UUID accountId, String name, String ref, String description, String schema) {
        return db.sql("""
                        insert into event_types (account_id, name, ref, description, schema)
                        values (:account, :name, :ref, :description, :schema)
                        on conflict (account_id, name) do update set ref = excluded.ref,
                            description = excluded.description, schema = excluded.schema, updated_at = now()
                        returning *""")
                .bind("account", accountId)
                .bind("name", name)
                .bind("ref", Parameter.fromOrEmpty(ref, String.class))
                .bind("description", Parameter.fromOrEmpty(description, String.class))
                .bind("schema", Parameter.fromOrEmpty(schema, String.class))
                .map(EventTypeRepository::eventType)
                .one();
    }

    public Mono<EventType> find(UUID accountId, String name) {
        return db.sql("select * from event_types where account_id = :account and name = :name")
                .bind("account", accountId)
                .bind("name", name)
                .map(EventTypeRepository::eventType)
                .one();
    }

    public Mono<EventType> findByRef(String ref) {
        return db.sql("select * from event_types where ref = :ref")
                .bind("ref", ref)
                .map(EventTypeRepository::eventType)
                .one();
    }

    public Flux<EventType> list(UUID accountId) {
        return db.sql("select * from event_types where account_id = :account order by name")
                .bind("account", accountId)
                .map(EventTypeRepository::eventType)
                .all();
    }

    public Mono<Boolean> delete(UUID accountId, String name) {
        return db.sql("delete from event_types where account_id = :account and name = :name")
                .bind("account", accountId)
                .bind("name", name)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    static EventType eventType(Readable row) {
        return new EventType(
                row.get("account_id", UUID.class),
                row.get("name", String.class),
                row.get("ref", String.class),
                row.get("description", String.class),
                row.get("schema", String.class),
                instant(row, "created_at"),
                instant(row, "updated_at"));
    }
}
