-- Bulk recoveries: every dead delivery of an account (optionally one endpoint) accepted in [since, until) goes back
-- to pending, batch by batch; the keyset position (after_created_at, after_id) lets a restarted scheduler resume.
create table recoveries (
    id               uuid primary key,
    account_id       uuid        not null references accounts (id) on delete cascade,
    endpoint_id      uuid,
    since            timestamptz not null,
    until            timestamptz not null,
    status           text        not null default 'running'
        constraint recoveries_status_check check (status in ('running', 'done', 'failed')),
    matched          bigint      not null default 0,
    requeued         bigint      not null default 0,
    after_created_at timestamptz,
    after_id         uuid,
    error            text,
    started_at       timestamptz not null default now(),
    finished_at      timestamptz
);
create index recoveries_running on recoveries (account_id) where status = 'running';

-- Dead deliveries by account and acceptance time: what a recovery counts and walks.
create index deliveries_dead on deliveries (account_id, created_at, id) where status = 'dead';
