-- Bumped by logout and password change: JWTs carry the version they were issued under, older ones are refused.
alter table accounts add column token_version integer not null default 0;
