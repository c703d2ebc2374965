-- A delivery without an endpoint (a URL send) is never in a FIFO turn: leaving it out of the turn index spares two
-- index entries per URL send (its insert and its claim). The turn check and the next in line both name an endpoint.
drop index deliveries_endpoint_turn;
create index deliveries_endpoint_turn on deliveries (endpoint_id, seq)
    where endpoint_id is not null and status in ('pending', 'retrying', 'delivering');
