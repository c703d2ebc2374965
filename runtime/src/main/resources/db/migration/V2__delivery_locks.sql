-- Which claim holds a delivery: a worker whose lease ran out must not record over the worker that took it over.
alter table deliveries add column locked_by uuid;
