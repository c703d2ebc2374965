-- The console's per-minute chart reads the last hour of attempts; BRIN fits append-ordered times at almost no write cost.
create index delivery_attempts_at on delivery_attempts using brin (at);
