package io.chis.runtime.api;

/** The 202 answer to {@code POST /webhook/send}: the message, its status and how many deliveries it fanned out to. */
public record MessageAccepted(String id, String status, int deliveries) {}
