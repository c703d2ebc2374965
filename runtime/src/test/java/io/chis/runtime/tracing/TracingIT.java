package io.chis.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.dispatch.Receiver.Reply;
import io.chis.runtime.dispatch.Sender;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;

/**
 * README "Tracing": one runtime with every role exports its spans to a real OTLP/HTTP receiver on loopback; a
 * webhook sent with the caller's {@code traceparent} comes out as one trace from the REST request to the attempt,
 * and the receiver of the webhook gets a {@code traceparent} of that trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";

    final List<Span> exported = new CopyOnWriteArrayList<>();
    HttpServer collector;
    ChisRuntime runtime;
    Sender sender;
    Db db;

    @BeforeAll
    void start() throws IOException {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(
                        exchange.getRequestBody().readAllBytes());
                request.getResourceSpansList()
                        .forEach(r -> r.getScopeSpansList().forEach(s -> exported.addAll(s.getSpansList())));
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        collector.start();
        // the standard variables' system-property twins, read the same way by the SDK's autoconfiguration
        System.setProperty(
                "otel.exporter.otlp.endpoint",
                "http://127.0.0.1:" + collector.getAddress().getPort());
        System.setProperty("otel.bsp.schedule.delay", "100");
        Map<String, String> env = TestRuntime.environment();
        runtime = TestRuntime.start(env);
        sender = new Sender(runtime.settings().httpPort());
        db = new Db(env.get("DATABASE_URL"));
    }

    @AfterAll
    void stop() {
        if (runtime != null) runtime.close();
        System.clearProperty("otel.exporter.otlp.endpoint");
        System.clearProperty("otel.bsp.schedule.delay");
        collector.stop(0);
    }

    @Test
    void oneTraceCoversTheSendTheGrpcHopTheCommitTheQueueAndTheAttempt() {
        try (Receiver receiver = Receiver.start(n -> Reply.ok())) {
            String id = (String) sender.api
                    .http
                    .post()
                    .uri("/webhook/send")
                    .header("X-API-Key", sender.apiKey)
                    .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"url\":\"" + receiver.url("/hook") + "\",\"payload\":{\"a\":1}}")
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody()
                    .get("id");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));

            await().atMost(Duration.ofSeconds(10)).until(() -> named("POST").isPresent());
            Span rest = named("POST /webhook/send").orElseThrow();
            Span grpcClient = kind("chis.v1.DeliveryService/SubmitMessage", Span.SpanKind.SPAN_KIND_CLIENT);
            Span grpcServer = kind("chis.v1.DeliveryService/SubmitMessage", Span.SpanKind.SPAN_KIND_SERVER);
            Span commit = named("chis.commit").orElseThrow();
            Span queue = named("chis.queue.wait").orElseThrow();
            Span attempt = named("POST").orElseThrow();

            assertThat(List.of(rest, grpcClient, grpcServer, commit, queue, attempt))
                    .as("every span is in the caller's trace")
                    .allSatisfy(span -> assertThat(hex(span.getTraceId())).isEqualTo(TRACE_ID));
            assertThat(hex(rest.getParentSpanId())).isEqualTo(CALLER_SPAN);
            assertThat(rest.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(grpcClient.getParentSpanId()).isEqualTo(rest.getSpanId());
            assertThat(grpcServer.getParentSpanId()).isEqualTo(grpcClient.getSpanId());
            assertThat(commit.getParentSpanId()).isEqualTo(grpcServer.getSpanId());
            assertThat(queue.getParentSpanId()).isEqualTo(grpcServer.getSpanId());
            assertThat(attempt.getParentSpanId()).isEqualTo(grpcServer.getSpanId());
            assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(attribute(rest, "http.response.status_code")).isEqualTo("202");
            assertThat(attribute(attempt, "http.response.status_code")).isEqualTo("200");
            assertThat(attribute(attempt, "server.address")).isEqualTo("127.0.0.1");
            assertThat(attribute(attempt, "chis.message.id")).isEqualTo(id);

            // the message keeps the trace, and the receiver gets the attempt's span as its parent
            String stored = (String) db.query("select traceparent from messages where id = ?", UUID.fromString(id))
                    .get(0)
                    .get("traceparent");
            assertThat(stored).isEqualTo("00-" + TRACE_ID + "-" + hex(grpcServer.getSpanId()) + "-01");
            assertThat(receiver.requests())
                    .singleElement()
                    .satisfies(r -> assertThat(r.header("traceparent"))
                            .isEqualTo("00-" + TRACE_ID + "-" + hex(attempt.getSpanId()) + "-01"));
        }
    }

    @Test
    void withoutACallersTraceTheRestRequestStartsOne() {
        try (Receiver receiver = Receiver.start(n -> Reply.ok())) {
            String id = sender.send(receiver.url("/fresh"), "{\"b\":2}");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));
            String traceparent = receiver.requests().get(0).header("traceparent");
            assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            String traceId = traceparent.substring(3, 35);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(exported.stream()
                                    .filter(s -> hex(s.getTraceId()).equals(traceId))
                                    .map(Span::getName))
                            .contains("POST /webhook/send", "chis.commit", "POST"));
        }
    }

    @Test
    void theLogsOfADeliveryCarryItsTraceId() {
        Logger outcomes = (Logger) LoggerFactory.getLogger("io.chis.runtime.dispatch.OutcomeHandler");
        ListAppender<ILoggingEvent> logs = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                event.prepareForDeferredProcessing(); // the MDC as it is on the logging thread
                super.append(event);
            }
        };
        logs.start();
        // the tests log WARN and up; the dead letter is an INFO line, kept here only
        Level level = outcomes.getLevel();
        outcomes.setLevel(Level.INFO);
        outcomes.setAdditive(false);
        outcomes.addAppender(logs);
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        try (Receiver receiver = Receiver.start(n -> Reply.status(410))) {
            String id = (String) sender.api
                    .http
                    .post()
                    .uri("/webhook/send")
                    .header("X-API-Key", sender.apiKey)
                    .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"url\":\"" + receiver.url("/gone") + "\",\"payload\":{}}")
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody()
                    .get("id");
            sender.awaitStatus(id, "dead", Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(logs.list)
                            .filteredOn(e -> e.getFormattedMessage().contains("of message " + id + " to ")
                                    && e.getFormattedMessage().contains("dead-lettered"))
                            .singleElement()
                            .satisfies(e -> {
                                assertThat(e.getMDCPropertyMap()).containsEntry("trace_id", traceId);
                                assertThat(e.getMDCPropertyMap().get("span_id")).matches("[0-9a-f]{16}");
                            }));
        } finally {
            outcomes.detachAppender(logs);
            outcomes.setAdditive(true);
            outcomes.setLevel(level);
        }
    }

    private Optional<Span> named(String name) {
        return exported.stream()
                .filter(s -> s.getName().equals(name) && hex(s.getTraceId()).equals(TRACE_ID))
                .findFirst();
    }

    private Span kind(String name, Span.SpanKind kind) {
        return exported.stream()
                .filter(s -> s.getName().equals(name)
                        && s.getKind() == kind
                        && hex(s.getTraceId()).equals(TRACE_ID))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " span " + name + " in " + exported));
    }

    private static String attribute(Span span, String key) {
        return span.getAttributesList().stream()
                .filter(a -> a.getKey().equals(key))
                .map(KeyValue::getValue)
                .map(v -> v.hasIntValue() ? String.valueOf(v.getIntValue()) : v.getStringValue())
                .findFirst()
                .orElse(null);
    }

    private static String hex(com.google.protobuf.ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }
}
