package io.chis.runtime.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every error answer ends its connection ({@code Connection: close}). Reactor Netty 1.3.6 can stop reading a
 * keep-alive connection after some error answers (one sent before the request body was read, or one completed
 * synchronously: reactor-netty#4347/#4361), so the client's next request there hung until it gave up. Errors are
 * rare on a healthy client, so the cost is a new connection now and then; successful answers keep theirs.
 */
public class ErrorConnectionClose implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            if (status != null && status.isError()) {
                exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
