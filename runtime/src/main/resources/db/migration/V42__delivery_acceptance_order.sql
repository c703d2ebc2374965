-- Acceptance order of deliveries, for FIFO endpoints: a message committed before another was accepted gets a lower
-- number. Existing rows keep null (no endpoint was FIFO before this version); no table rewrite.
create sequence deliveries_seq;
alter table deliveries add column seq bigint;
alter table deliveries alter column seq set default nextval('deliveries_seq');
alter sequence deliveries_seq owned by deliveries.seq;
-- A FIFO endpoint's unfinished deliveries in order: the claim's and the sweep's turn check, and the next in line.
create index deliveries_endpoint_turn on deliveries (endpoint_id, seq)
    where status in ('pending', 'retrying', 'delivering');
