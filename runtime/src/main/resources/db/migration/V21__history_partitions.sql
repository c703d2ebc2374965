-- Messages, deliveries and attempts in daily range partitions on created_at, so that retention drops whole days
-- (no DELETE, no bloat, no vacuum debt). A message's deliveries and attempts carry the message's created_at, so one
-- day's partitions of the three tables hold one day's messages with everything that belongs to them.
-- New ids are UUIDv7 whose time is created_at (to the millisecond): a lookup by id names its partition.

-- One day's partitions of the three tables, [day, day + 1) in UTC; existing ones are left alone.
create function chis_create_day_partitions(first_day date, last_day date) returns void language plpgsql as $$
declare
    day date := first_day;
    parent text;
begin
    while day <= last_day loop
        foreach parent in array array['messages', 'deliveries', 'delivery_attempts'] loop
            execute format('create table if not exists %I partition of %I for values from (%L) to (%L)',
                           parent || '_p' || to_char(day, 'YYYYMMDD'), parent,
                           (day::timestamp at time zone 'UTC'), ((day + 1)::timestamp at time zone 'UTC'));
        end loop;
        day := day + 1;
    end loop;
end
$$;

alter table delivery_attempts rename to delivery_attempts_v20;
alter table deliveries rename to deliveries_v20;
alter table messages rename to messages_v20;
alter table messages_v20 rename constraint messages_pkey to messages_v20_pkey;
alter table deliveries_v20 rename constraint deliveries_pkey to deliveries_v20_pkey;
alter table delivery_attempts_v20 rename constraint delivery_attempts_pkey to delivery_attempts_v20_pkey;
drop index messages_idempotency_key, messages_account_page, messages_account_status_page, deliveries_message,
    deliveries_unfinished, deliveries_endpoint;

-- The primary keys lead with the id (a lookup by an id without a time still finds it by index in each partition)
-- and include created_at, as a partitioned table's unique constraints must.
create table messages (
    id         uuid        not null,
    account_id uuid        not null references accounts (id) on delete cascade,
    event_type text,
    payload    bytea       not null,
    status     text        not null default 'pending',
    created_at timestamptz not null default now(),
    primary key (id, created_at)
) partition by range (created_at);
create index messages_account_page on messages (account_id, created_at desc, id desc);
create index messages_account_status_page on messages (account_id, status, created_at desc, id desc);

create table deliveries (
    id              uuid        not null,
    message_id      uuid        not null,
    account_id      uuid        not null references accounts (id) on delete cascade,
    url             text        not null,
    endpoint_id     uuid references endpoints (id) on delete set null,
    status          text        not null default 'pending',
    attempt_count   int         not null default 0,
    retry_base      int         not null default 0,
    next_attempt_at timestamptz,
    locked_until    timestamptz,
    locked_by       uuid,
    -- the message's created_at
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (id, created_at)
) partition by range (created_at);
create index deliveries_message on deliveries (message_id);
create index deliveries_unfinished on deliveries (next_attempt_at) where status in ('pending', 'retrying', 'delivering');
create index deliveries_endpoint on deliveries (endpoint_id) where endpoint_id is not null;

create table delivery_attempts (
    delivery_id   uuid        not null,
    attempt       int         not null,
    at            timestamptz not null,
    status_code   int,
    duration_ms   bigint      not null,
    error         text,
    response_body text,
    -- the message's created_at
    created_at    timestamptz not null,
    primary key (delivery_id, attempt, created_at)
) partition by range (created_at);

-- A safety net: rows outside every day partition (a clock far off, partitions not made in time) still go in.
create table messages_default partition of messages default;
create table deliveries_default partition of deliveries default;
create table delivery_attempts_default partition of delivery_attempts default;

-- Idempotency keys outlive no message by more than their 24 hours; unique per account across all partitions.
create table idempotency_keys (
    account_id         uuid        not null references accounts (id) on delete cascade,
    key                text        not null,
    message_id         uuid        not null,
    message_created_at timestamptz not null,
    created_at         timestamptz not null default now(),
    primary key (account_id, key)
);
create index idempotency_keys_age on idempotency_keys (created_at);

-- The existing history moves into day partitions covering it, and a week ahead.
select chis_create_day_partitions(
    coalesce((select min(created_at) from messages_v20)::date, current_date) - 1, current_date + 7);

insert into messages (id, account_id, event_type, payload, status, created_at)
select id, account_id, event_type, payload, status, created_at from messages_v20;
insert into idempotency_keys (account_id, key, message_id, message_created_at, created_at)
select account_id, idempotency_key, id, created_at, created_at from messages_v20 where idempotency_key is not null;
insert into deliveries (id, message_id, account_id, url, endpoint_id, status, attempt_count, retry_base, next_attempt_at,
                        locked_until, locked_by, created_at, updated_at)
select d.id, d.message_id, d.account_id, d.url, d.endpoint_id, d.status, d.attempt_count, d.retry_base,
       d.next_attempt_at, d.locked_until, d.locked_by, m.created_at, d.updated_at
from deliveries_v20 d join messages_v20 m on m.id = d.message_id;
insert into delivery_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response_body, created_at)
select a.delivery_id, a.attempt, a.at, a.status_code, a.duration_ms, a.error, a.response_body, m.created_at
from delivery_attempts_v20 a join deliveries_v20 d on d.id = a.delivery_id join messages_v20 m on m.id = d.message_id;

drop table delivery_attempts_v20, deliveries_v20, messages_v20;
