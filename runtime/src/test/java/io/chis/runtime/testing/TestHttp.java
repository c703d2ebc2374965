package io.chis.runtime.testing;

import java.time.Duration;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;

/**
 * WebTestClients that never leak a response body. WebTestClient's wiretap keeps the pooled Netty buffers of a body
 * no test decodes ({@code .expectStatus().isOk()} alone) and never releases them (spring-framework#36050): here each
 * body is read and released at once, and handed on as a copy on the heap.
 */
public final class TestHttp {

    private static final ExchangeFilterFunction READ_AND_RELEASE_BODY = ExchangeFilterFunction.ofResponseProcessor(
            response -> DataBufferUtils.join(response.bodyToFlux(org.springframework.core.io.buffer.DataBuffer.class))
                    .map(joined -> {
                        byte[] bytes = new byte[joined.readableByteCount()];
                        joined.read(bytes);
                        DataBufferUtils.release(joined);
                        return bytes;
                    })
                    .defaultIfEmpty(new byte[0])
                    .map(bytes -> response.mutate()
                            .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)))
                            .build()));

    private TestHttp() {}

    public static WebTestClient client(int port) {
        return client(port, Duration.ofSeconds(30));
    }

    public static WebTestClient client(int port, Duration responseTimeout) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(responseTimeout)
                .filter(READ_AND_RELEASE_BODY)
                .build();
    }
}
