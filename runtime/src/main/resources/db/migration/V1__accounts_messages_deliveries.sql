-- Accounts and their credentials.
create table accounts (
    id            uuid primary key,
    email         text        not null,
    password_hash text        not null,
    first_name    text        not null default '',
    last_name     text        not null default '',
    created_at    timestamptz not null default now()
);
create unique index accounts_email_key on accounts (lower(email));

-- API keys are shown once; only a SHA-256 of the key is kept (keys are 256-bit random, so a slow hash adds nothing).
create table api_keys (
    id           uuid primary key,
    account_id   uuid        not null references accounts (id) on delete cascade,
    name         text        not null,
    key_hash     bytea       not null unique,
    key_prefix   text        not null,
    created_at   timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create index api_keys_account on api_keys (account_id);

-- The account's Standard Webhooks secret for ad-hoc URL sends; the previous one stays valid during a rotation.
create table signing_secrets (
    account_id           uuid primary key references accounts (id) on delete cascade,
    secret               text        not null,
    previous_secret      text,
    previous_valid_until timestamptz,
    rotated_at           timestamptz not null default now()
);

-- One submitted event; status is the roll-up of its deliveries.
create table messages (
    id              uuid primary key,
    account_id      uuid        not null references accounts (id) on delete cascade,
    event_type      text,
    payload         bytea       not null,
    idempotency_key text,
    status          text        not null default 'pending',
    created_at      timestamptz not null default now()
);
create unique index messages_idempotency_key on messages (account_id, idempotency_key);
create index messages_account_page on messages (account_id, created_at desc, id desc);
create index messages_account_status_page on messages (account_id, status, created_at desc, id desc);

-- One destination of a message. PostgreSQL is the source of truth; Redis only carries delivery ids.
create table deliveries (
    id              uuid primary key,
    message_id      uuid        not null references messages (id) on delete cascade,
    account_id      uuid        not null,
    url             text        not null,
    endpoint_id     uuid,
    status          text        not null default 'pending',
    attempt_count   int         not null default 0,
    -- attempt_count when the delivery was last replayed: the retry schedule restarts from here.
    retry_base      int         not null default 0,
    next_attempt_at timestamptz,
    locked_until    timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index deliveries_message on deliveries (message_id);
-- The sweep looks for work that Redis lost: only unfinished deliveries are indexed.
create index deliveries_unfinished on deliveries (next_attempt_at) where status in ('pending', 'retrying', 'delivering');

-- Every HTTP attempt, for the message's history.
create table delivery_attempts (
    delivery_id   uuid        not null references deliveries (id) on delete cascade,
    attempt       int         not null,
    at            timestamptz not null,
    status_code   int,
    duration_ms   bigint      not null,
    error         text,
    response_body text,
    primary key (delivery_id, attempt)
);
