package io.chis.runtime.dispatch;

import io.chis.runtime.policy.DeliveryPolicy;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How to sign, pace and retry one delivery: its endpoint's secrets, headers and policy, or the account's secrets
 * and the default policy for a URL send ({@code endpointId} null).
 */
record Target(List<String> secrets, Map<String, String> headers, DeliveryPolicy policy, UUID endpointId) {}
