package io.chis.runtime.tracing;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** Every role's export of traces, started with the process's context and flushed when it closes. */
@Component
public class TracingExport implements DisposableBean {

    private final OpenTelemetrySdk sdk;

    public TracingExport() {
        this.sdk = Tracing.start(System.getenv(), System.getProperties());
    }

    @Override
    public void destroy() {
        Tracing.stop(sdk);
    }
}
