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
                        returning id, email, password_hash, first_name, last_name, created_at, token_version""")
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
                        select id, email, password_hash, first_name, last_name, created_at, token_version
                        from accounts where lower(email) = lower(:email)""").bind("email", email).map(AccountRepository::account).one();
    }

    public Mono<Account> findById(UUID id) {
        return db.sql("""
                        select id, email, password_hash, first_name, last_name, created_at, token_version
                        from accounts where id = :id""").bind("id", id).map(AccountRepository::account).one();
    }

    /** The version a JWT must carry; empty when the account is gone. */
    public Mono<Integer> tokenVersion(UUID id) {
        return db.sql("select token_version from accounts where id = :id")
                .bind("id", id)
                .map(row -> row.get("token_version", Integer.class))
                .one();
    }

    /** Invalidates every JWT issued so far (and sets a new password hash when one is given); the new account row. */
    public Mono<Account> revokeTokens(UUID id, String newPasswordHash) {
        var spec = db.sql("update accounts set token_version = token_version + 1"
                        + (newPasswordHash == null ? "" : ", password_hash = :hash")
                        + " where id = :id"
                        + " returning id, email, password_hash, first_name, last_name, created_at, token_version")
                .bind("id", id);
        if (newPasswordHash != null) spec = spec.bind("hash", newPasswordHash);
        return spec.map(AccountRepository::account).one();
    }

    static Account account(Readable row) {
        return new Account(
                row.get("id", UUID.class),
                row.get("email", String.class),
                row.get("password_hash", String.class),
                row.get("first_name", String.class),
                row.get("last_name", String.class),
                instant(row, "created_at"),
                row.get("token_version", Integer.class));
    }

    public static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
