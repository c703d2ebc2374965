-- An account's consent that WebhookEndpoint resources in a Kubernetes namespace may act for it.
create table namespace_grants (
    account_id uuid not null references accounts (id) on delete cascade,
    namespace text not null,
    created_at timestamptz not null default now(),
    primary key (account_id, namespace)
);
