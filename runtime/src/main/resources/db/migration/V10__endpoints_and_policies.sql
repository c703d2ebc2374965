-- Retry and timeout settings, applied by the operator from DeliveryPolicy resources.
create table delivery_policies (
    name                  text primary key,
    max_retries           int              not null,
    initial_delay_ms      bigint           not null,
    multiplier            double precision not null,
    max_delay_ms          bigint           not null,
    jitter                double precision not null default 0,
    timeout_ms            bigint           not null,
    rate_limit_per_second double precision not null default 0,
    updated_at            timestamptz      not null default now()
);

-- Subscribers: an account's URLs with the event types they receive and a secret of their own.
create table endpoints (
    id                   uuid primary key,
    account_id           uuid        not null references accounts (id) on delete cascade,
    -- The WebhookEndpoint resource that declares it ("namespace/name"); null for endpoints made over REST.
    ref                  text unique,
    name                 text        not null,
    url                  text        not null,
    event_types          text[]      not null,
    policy               text,
    headers              jsonb       not null default '{}',
    disabled             boolean     not null default false,
    disabled_reason      text,
    secret               text        not null,
    previous_secret      text,
    previous_valid_until timestamptz,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now()
);
create index endpoints_account on endpoints (account_id);

-- Deliveries keep their history when their endpoint is deleted.
alter table deliveries
    add constraint deliveries_endpoint_fk foreign key (endpoint_id) references endpoints (id) on delete set null;
create index deliveries_endpoint on deliveries (endpoint_id) where endpoint_id is not null;
