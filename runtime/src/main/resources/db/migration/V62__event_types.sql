-- An account's event-type catalog: a description and an optional JSON Schema its payloads must satisfy.
create table event_types (
    account_id  uuid        not null references accounts (id) on delete cascade,
    name        text        not null,
    -- The WebhookEventType resource that declares it ("namespace/name"); null for event types made over REST.
    ref         text unique,
    description text,
    -- JSON Schema 2020-12 document as it was given; null = any payload.
    schema      text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (account_id, name)
);
