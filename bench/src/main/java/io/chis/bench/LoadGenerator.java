package io.chis.bench;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends webhooks through the public API as a customer would: an account, a login, an API key, then
 * {@code POST /webhook/send} with {@code X-API-Key}. Open loop at a fixed rate (each send has its intended time, and
 * latency counts from it, so a stalled server cannot hide its queue) or closed loop at a fixed concurrency.
 */
final class LoadGenerator implements AutoCloseable {

    /** An account of the runtime with its API key, as a customer holds it. */
    static final class Tenant {
        final String name;
        final String token;
        final String apiKey;
        final HttpClient http;

        Tenant(String name, String token, String apiKey, HttpClient http) {
            this.name = name;
            this.token = token;
            this.apiKey = apiKey;
            this.http = http;
        }
    }

    /**
     * Where a send goes: a tenant sending to a {@code url} (or, without one, by {@code eventType} to its endpoints),
     * and the sink tags at which each accepted message must arrive ({@code ""} for {@code /hook}, none for a
     * receiver that never answers); {@code orders} sends order documents that satisfy {@link #ORDER_SCHEMA}.
     */
    record Route(Tenant tenant, String url, String eventType, List<String> tags, boolean orders) {

        Route(Tenant tenant, String url, String eventType, List<String> tags) {
            this(tenant, url, eventType, tags, false);
        }
    }

    /** The event type of {@link #schemaSends}. */
    static final String ORDER_TYPE = "bench.order.paid";

    /**
     * What a shop would declare for an order event: required fields, nested objects, an array of line items, enums,
     * formats, bounds and a pattern, no other properties (README "Event types and their schemas").
     */
    static final String ORDER_SCHEMA = """
            {"type":"object",
             "required":["id","customer","currency","total","status","createdAt","items"],
             "properties":{
               "id":{"type":"string","pattern":"^ord-[0-9]+$"},
               "customer":{"type":"object","required":["id","email"],
                 "properties":{"id":{"type":"string","minLength":1},"email":{"type":"string","format":"email"}}},
               "currency":{"enum":["EUR","USD","GBP","JPY"]},
               "total":{"type":"number","minimum":0},
               "status":{"enum":["pending","paid","shipped","cancelled"]},
               "createdAt":{"type":"string","format":"date-time"},
               "items":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"object",
                 "required":["sku","quantity","price"],"additionalProperties":false,
                 "properties":{"sku":{"type":"string","minLength":1},"quantity":{"type":"integer","minimum":1},
                   "price":{"type":"number","minimum":0}}}},
               "seq":{"type":"integer"},
               "note":{"type":"string","maxLength":65536}},
             "additionalProperties":false}""";

    /** One send: when it was meant to go, when its answer came, the status and the message id it returned. */
    static final class Sent {
        final int route;
        final long intendedNanos;
        volatile long answeredNanos;
        volatile int status;
        volatile String id;
        volatile String error;

        Sent(int route, long intendedNanos) {
            this.route = route;
            this.intendedNanos = intendedNanos;
        }
    }

    /** What one load phase sent. */
    static final class Phase {
        final String name;
        final List<Route> routes;
        final ConcurrentLinkedQueue<Sent> sends = new ConcurrentLinkedQueue<>();
        final LongAdder sent = new LongAdder();
        final LongAdder accepted = new LongAdder();
        final AtomicLong generatorSkipped = new AtomicLong();
        volatile long startNanos;
        volatile long endNanos;

        Phase(String name, List<Route> routes) {
            this.name = name;
            this.routes = List.copyOf(routes);
        }
    }

    // Open loop: past this many sends awaiting an answer the generator skips sends and says so in the report.
    static final int MAX_OUTSTANDING = 20_000;

    private final String baseUrl;
    private final String sinkUrl;
    private final int payloadBytes;
    private final ConnectionProvider connections;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();

    LoadGenerator(int apiPort, int sinkPort, int payloadBytes) {
        this.baseUrl = "http://127.0.0.1:" + apiPort;
        this.sinkUrl = "http://127.0.0.1:" + sinkPort;
        this.payloadBytes = payloadBytes;
        this.connections = ConnectionProvider.builder("bench-load")
                .maxConnections(512)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** The route of today's URL sends: the tenant names the sink's {@code /hook} on every send. */
    Route urlSends(Tenant tenant) {
        return new Route(tenant, sinkUrl + Sink.HOOK_PATH, "bench.sent", List.of(""));
    }

    /** Sends by URL to a receiver that never answers (at {@code baseUrl}, its own host). */
    Route stalledSends(Tenant tenant, String baseUrl) {
        return new Route(tenant, baseUrl + Sink.STALL_PATH, "bench.stalled", List.of());
    }

    /**
     * Sends by URL like {@link #urlSends}, under an event type the tenant has declared with {@link #ORDER_SCHEMA}
     * ({@code PUT /api/event-types/{name}}): every send's payload is validated against it before it is stored.
     */
    Route schemaSends(Tenant tenant) throws IOException, InterruptedException {
        expect(
                java.net.http.HttpClient.newHttpClient(),
                request(
                        "PUT",
                        "/api/event-types/" + ORDER_TYPE,
                        tenant.token,
                        "{\"description\":\"An order was paid (bench)\",\"schema\":" + ORDER_SCHEMA + "}"),
                200);
        return new Route(tenant, sinkUrl + Sink.HOOK_PATH, ORDER_TYPE, List.of(""), true);
    }

    /**
     * {@code count} endpoints of the tenant subscribed to {@code eventType}, each at its own sink path {@code
     * /hook/<tag>i}, with the named policy (or none); the route sends by event type to all of them.
     */
    Route endpoints(Tenant tenant, int count, String tag, String eventType, String policy)
            throws IOException, InterruptedException {
        var client = java.net.http.HttpClient.newHttpClient();
        List<String> tags = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String t = count == 1 ? tag : tag + i;
            expect(
                    client,
                    post(
                            "/api/endpoints",
                            tenant.token,
                            "{\"name\":\"bench-" + t + "\",\"url\":\"" + sinkUrl + Sink.HOOK_PATH + "/" + t
                                    + "\",\"eventTypes\":[\"" + eventType + "\"]"
                                    + (policy == null ? "" : ",\"policy\":\"" + policy + "\"") + "}"),
                    201);
            tags.add(t);
        }
        return new Route(tenant, null, eventType, List.copyOf(tags));
    }

    /** register → login → create an API key, over the REST API (README "Using the API"). */
    Tenant createTenant(String name) throws IOException, InterruptedException {
        var client = java.net.http.HttpClient.newHttpClient();
        String email = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "bench-password-" + UUID.randomUUID();
        expect(
                client,
                post(
                        "/auth/register",
                        null,
                        "{\"email\":\"" + email + "\",\"password\":\"" + password
                                + "\",\"firstName\":\"Bench\",\"lastName\":\"Mark\"}"),
                201);
        String token = field(
                expect(
                        client,
                        post("/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"),
                        200),
                "token");
        String apiKey =
                field(expect(client, post("/api/api-key/create", token, "{\"name\":\"bench\"}"), 201), "apiKey");
        return new Tenant(
                name,
                token,
                apiKey,
                HttpClient.create(connections)
                        .baseUrl(baseUrl)
                        .headers(h -> h.set("X-API-Key", apiKey).set("Content-Type", "application/json"))
                        .responseTimeout(Duration.ofSeconds(30)));
    }

    /** Open loop: {@code rate} sends per second on a fixed schedule, for {@code duration} or {@code count} sends. */
    void fixedRate(Phase phase, int rate, Duration duration, long count) {
        double period = 1e9 / rate;
        long t0 = System.nanoTime();
        phase.startNanos = t0;
        long limit = duration.toNanos();
        for (long i = 0; i < count; ) {
            long now = System.nanoTime();
            if (now - t0 >= limit) break;
            long due = t0 + (long) (i * period);
            if (due - now > 0) {
                LockSupport.parkNanos(Math.min(due - now, 1_000_000));
                continue;
            }
            // catch up on everything due by now
            if (outstanding.get() >= MAX_OUTSTANDING) {
                phase.generatorSkipped.incrementAndGet();
            } else {
                send(phase, (int) (i % phase.routes.size()), due, null);
            }
            i++;
        }
        phase.endNanos = System.nanoTime();
    }

    /** Closed loop: {@code concurrency} sends in flight, each followed by the next as soon as it is answered. */
    void maxThroughput(Phase phase, int concurrency, Duration duration, long count) throws InterruptedException {
        long t0 = System.nanoTime();
        phase.startNanos = t0;
        long deadline = t0 + duration.toNanos();
        AtomicLong budget = new AtomicLong(count);
        // each slot in flight belongs to one route, so tenants share the load evenly
        for (int i = 0; i < concurrency; i++) {
            int route = i % phase.routes.size();
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                if (System.nanoTime() - deadline >= 0 || budget.decrementAndGet() < 0) return;
                send(phase, route, System.nanoTime(), next[0]);
            };
            next[0].run();
        }
        while (System.nanoTime() - deadline < 0 && budget.get() > 0) Thread.sleep(10);
        phase.endNanos = System.nanoTime();
    }

    /** Waits until every send has its answer (or the timeout passes); returns how many are still unanswered. */
    int awaitAnswers(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() - deadline < 0) Thread.sleep(20);
        return outstanding.get();
    }

    int outstanding() {
        return outstanding.get();
    }

    private void send(Phase phase, int route, long intendedNanos, Runnable then) {
        Sent sent = new Sent(route, intendedNanos);
        phase.sends.add(sent);
        phase.sent.increment();
        outstanding.incrementAndGet();
        Route r = phase.routes.get(route);
        byte[] body = body(r, sequence.incrementAndGet());
        r.tenant()
                .http
                .post()
                .uri("/webhook/send")
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(text -> {
                            sent.status = response.status().code();
                            if (sent.status == 202) sent.id = field(text, "id");
                            else sent.error = text.length() > 200 ? text.substring(0, 200) : text;
                            return sent;
                        }))
                .subscribe(s -> {}, e -> finish(phase, sent, e, then), () -> finish(phase, sent, null, then));
    }

    private void finish(Phase phase, Sent sent, Throwable error, Runnable then) {
        sent.answeredNanos = System.nanoTime();
        if (error != null) sent.error = error.toString();
        if (sent.status == 202 && sent.id != null) phase.accepted.increment();
        outstanding.decrementAndGet();
        if (then != null) then.run();
    }

    private byte[] body(Route route, long seq) {
        StringBuilder json = new StringBuilder(payloadBytes + 160).append('{');
        if (route.url() != null) json.append("\"url\":\"").append(route.url()).append("\",");
        json.append("\"eventType\":\"").append(route.eventType()).append("\",\"payload\":");
        int start = json.length();
        if (route.orders()) {
            json.append("{\"id\":\"ord-")
                    .append(seq)
                    .append("\",\"customer\":{\"id\":\"cus-")
                    .append(seq % 1000)
                    .append("\",\"email\":\"buyer")
                    .append(seq % 1000)
                    .append("@example.com\"},\"currency\":\"EUR\",\"total\":")
                    .append(seq % 500 + 19.9)
                    .append(",\"status\":\"paid\",\"createdAt\":\"2025-06-01T12:00:00Z\",\"items\":[")
                    .append("{\"sku\":\"SKU-1\",\"quantity\":2,\"price\":9.95},")
                    .append("{\"sku\":\"SKU-2\",\"quantity\":1,\"price\":")
                    .append(seq % 500)
                    .append("}],\"seq\":")
                    .append(seq)
                    .append(",\"note\":\"");
        } else {
            json.append("{\"seq\":").append(seq).append(",\"pad\":\"");
        }
        // an order is padded to --payload-bytes as a whole (it is ~300 bytes without its note)
        int pad = route.orders()
                ? Math.max(0, payloadBytes - 2 - (json.length() - start))
                : Math.max(0, payloadBytes - 30);
        for (int i = 0; i < pad; i++) json.append((char) ('a' + i % 26));
        return json.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpRequest post(String path, String bearer, String json) {
        return request("POST", path, bearer, json);
    }

    private HttpRequest request(String method, String path, String bearer, String json) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        return request.build();
    }

    private static String expect(java.net.http.HttpClient client, HttpRequest request, int status)
            throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    request.uri().getPath() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A string field of a flat JSON answer; enough for the few fields read here. */
    static String field(String json, String name) {
        String marker = "\"" + name + "\":\"";
        int start = json.indexOf(marker);
        if (start < 0) return null;
        start += marker.length();
        int end = json.indexOf('"', start);
        return end < 0 ? null : json.substring(start, end);
    }

    @Override
    public void close() {
        connections.disposeLater().block(Duration.ofSeconds(5));
    }
}
