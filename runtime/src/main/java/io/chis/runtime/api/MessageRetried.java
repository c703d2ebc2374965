package io.chis.runtime.api;

/** The 202 answer to {@code POST /webhook/messages/{id}/retry}: how many dead-lettered deliveries were queued again. */
public record MessageRetried(String id, int requeued) {}
