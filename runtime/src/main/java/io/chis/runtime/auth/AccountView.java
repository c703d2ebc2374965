package io.chis.runtime.auth;

import java.time.Instant;
import java.util.UUID;

/** The 201 answer to {@code POST /auth/register}: the account without its password hash. */
public record AccountView(UUID id, String email, String firstName, String lastName, Instant createdAt) {

    static AccountView of(Account account) {
        return new AccountView(
                account.id(), account.email(), account.firstName(), account.lastName(), account.createdAt());
    }
}
