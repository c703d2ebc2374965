package io.chis.runtime.auth;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
public class AccountRepository {

    private final DatabaseClient db;

    public AccountRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Inserts the account; completes empty when the email is taken. */
    public Mono<Account> insert(Account account) {
        return db.sql("""
                        insert into accounts (id, email, password_hash, first_name, last_name)
                        values (:id, :email, :hash, :first, :last)
                        on conflict do nothing
                        returning id, email, password_hash, first_name, last_name, created_at""")
                .bind("id", account.id())
                .bind("email", account.email())
                .bind("hash", account.passwordHash())
                .bind("first", account.firstName())
                .bind("last", account.lastName())
                .map(AccountRepository::account)
                .one();
    }

    public Mono<Account> findByEmail(String email) {
        return db.sql("""
                        select id, email, password_hash, first_name, last_name, created_at
                        from accounts where lower(email) = lower(:email)""").bind("email", email).map(AccountRepository::account).one();
    }

    static Account account(Readable row) {
        return new Account(
                row.get("id", UUID.class),
                row.get("email", String.class),
                row.get("password_hash", String.class),
                row.get("first_name", String.class),
                row.get("last_name", String.class),
                instant(row, "created_at"));
    }

    public static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
