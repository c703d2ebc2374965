package io.chis.runtime.endpoint;

import io.chis.runtime.auth.AccountRepository;
import io.chis.runtime.support.ApiException;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An account's consent that WebhookEndpoint resources in a Kubernetes namespace may name it as owner: whoever may
 * create resources in a namespace can then subscribe only the accounts that allowed that namespace.
 */
@Repository
public class NamespaceGrants {

    // a Kubernetes namespace name (RFC 1123 label)
    private static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    public record Grant(String namespace, Instant createdAt) {}

    private final DatabaseClient db;

    public NamespaceGrants(DatabaseClient db) {
        this.db = db;
    }

    /** Creates the grant, or returns the one that exists. */
    public Mono<Grant> grant(UUID accountId, String namespace) {
        String checked = checked(namespace);
        return db.sql("""
                        insert into namespace_grants (account_id, namespace) values (:account, :namespace)
                        on conflict (account_id, namespace) do update set namespace = excluded.namespace
                        returning namespace, created_at""")
                .bind("account", accountId)
                .bind("namespace", checked)
                .map(row -> new Grant(row.get("namespace", String.class), AccountRepository.instant(row, "created_at")))
                .one();
    }

    public Flux<Grant> list(UUID accountId) {
        return db.sql(
                        "select namespace, created_at from namespace_grants where account_id = :account order by namespace")
                .bind("account", accountId)
                .map(row -> new Grant(row.get("namespace", String.class), AccountRepository.instant(row, "created_at")))
                .all();
    }

    /** Withdraws the consent and removes the endpoints the namespace's resources declared for the account. */
    public Mono<Boolean> revoke(UUID accountId, String namespace) {
        return db.sql("""
                        with revoked as (
                            delete from namespace_grants where account_id = :account and namespace = :namespace
                            returning namespace),
                        declared as (
                            delete from endpoints
                            where account_id = :account and ref like :namespace || '/%'
                              and exists (select 1 from revoked))
                        select count(*) as revoked from revoked""")
                .bind("account", accountId)
                .bind("namespace", checked(namespace))
                .map(row -> row.get("revoked", Long.class))
                .one()
                .map(n -> n > 0);
    }

    public Mono<Boolean> granted(UUID accountId, String namespace) {
        return db.sql("select 1 from namespace_grants where account_id = :account and namespace = :namespace")
                .bind("account", accountId)
                .bind("namespace", namespace)
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    static String checked(String namespace) {
        if (namespace == null || namespace.isBlank()) throw ApiException.badRequest("namespace is required");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw ApiException.badRequest(
                    "namespace must be a Kubernetes namespace name: at most 63 lowercase letters, digits and '-'");
        }
        return namespace;
    }
}
