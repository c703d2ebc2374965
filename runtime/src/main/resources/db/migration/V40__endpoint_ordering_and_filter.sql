-- How an endpoint receives: 'fifo' attempts its deliveries one at a time in acceptance order.
alter table endpoints add column ordering text not null default 'unordered'
    constraint endpoints_ordering_check check (ordering in ('unordered', 'fifo'));
-- A payload filter document (validated by the runtime); null for none.
alter table endpoints add column filter jsonb;
