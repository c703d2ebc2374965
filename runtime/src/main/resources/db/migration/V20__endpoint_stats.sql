-- Each endpoint's delivery record as counters, updated by the statement that records an attempt (no recount).
-- No foreign key: a delete of the endpoint racing an attempt's record must not fail the record; the retention
-- task removes the rows of deleted endpoints.
create table endpoint_stats (
    endpoint_id          uuid primary key,
    delivered            bigint      not null default 0,
    failed               bigint      not null default 0,
    dead_lettered        bigint      not null default 0,
    last_attempt_at      timestamptz,
    last_status_code     int,
    last_success_at      timestamptz,
    last_failure_at      timestamptz,
    consecutive_failures bigint      not null default 0
);

-- The counters of the history already stored.
insert into endpoint_stats (endpoint_id, delivered, failed, dead_lettered, last_attempt_at, last_status_code,
                            last_success_at, last_failure_at, consecutive_failures)
select e.id,
       (select count(*) from deliveries d where d.endpoint_id = e.id and d.status = 'delivered'),
       (select count(*) from delivery_attempts a join deliveries d on d.id = a.delivery_id
         where d.endpoint_id = e.id and (a.status_code is null or a.status_code not between 200 and 299)),
       (select count(*) from deliveries d where d.endpoint_id = e.id and d.status = 'dead'),
       last.at, last.status_code,
       (select max(a.at) from delivery_attempts a join deliveries d on d.id = a.delivery_id
         where d.endpoint_id = e.id and a.status_code between 200 and 299),
       (select max(a.at) from delivery_attempts a join deliveries d on d.id = a.delivery_id
         where d.endpoint_id = e.id and (a.status_code is null or a.status_code not between 200 and 299)),
       (select count(*) from delivery_attempts a join deliveries d on d.id = a.delivery_id
         where d.endpoint_id = e.id and (a.status_code is null or a.status_code not between 200 and 299)
           and a.at > coalesce((select max(a2.at) from delivery_attempts a2 join deliveries d2 on d2.id = a2.delivery_id
                                 where d2.endpoint_id = e.id and a2.status_code between 200 and 299), '-infinity'))
from endpoints e
left join lateral (select a.at, a.status_code from delivery_attempts a join deliveries d on d.id = a.delivery_id
                   where d.endpoint_id = e.id order by a.at desc limit 1) last on true;
