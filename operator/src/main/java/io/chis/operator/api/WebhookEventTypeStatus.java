package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Whether the event type is in the runtime of every WebhookPlatform of its namespace (the Ready condition says). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookEventTypeStatus extends StatusWithConditions {}
