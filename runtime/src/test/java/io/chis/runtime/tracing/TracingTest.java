package io.chis.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TracingTest {

    @Test
    void withoutAnEndpointTracingStaysOffAndNoTraceparentIsKept() {
        assertThat(Tracing.start(Map.of("OTEL_SERVICE_NAME", "chis"), new Properties()))
                .isNull();
        assertThat(Tracing.on()).isFalse();
        assertThat(Tracing.traceparent(reactor.util.context.Context.empty())).isNull();
    }

    @Test
    void disabledSdkStaysOffEvenWithAnEndpoint() {
        assertThat(Tracing.start(
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_SDK_DISABLED", "true"),
                        new Properties()))
                .isNull();
    }

    @Test
    void aStoredTraceparentIsTheParentOfAttemptsAndAnInvalidOneStartsNoTrace() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(Tracing.traceparent(Tracing.parent(traceparent))).isEqualTo(traceparent);
        assertThat(Tracing.traceparent(Tracing.parent("garbage"))).isNull();
        assertThat(Tracing.traceparent(Tracing.parent(null))).isNull();
    }
}
