-- Endpoint health, beside the endpoint_stats counters: when the current run of failures began (null after a success),
-- for CHIS_ENDPOINT_DISABLE_AFTER, and attempts per 5-minute bucket for the success rates of the last hour and day.
alter table endpoint_stats add column failing_since timestamptz;
update endpoint_stats set failing_since = last_failure_at where consecutive_failures > 0;

create table endpoint_attempt_buckets (
    endpoint_id uuid        not null,
    bucket      timestamptz not null,
    attempts    bigint      not null,
    succeeded   bigint      not null,
    primary key (endpoint_id, bucket)
);
