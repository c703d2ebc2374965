-- The W3C traceparent of the call that sent a message (null when tracing is off), so its attempts join that trace.
-- A plain added column works whether messages is a table or a partitioned one.
alter table messages add column if not exists traceparent text;
