package io.chis.runtime.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Error answers to requests that carry a body close their connection ({@code Connection: close}): most are sent before
 * the body is read (a bad API key, a refused rate), and a keep-alive connection with an unread body left Reactor Netty
 * 1.3.6 reading nothing more on it, so the client's next request there hung until it gave up (reactor-netty#4347).
 * HTTP/1.1 lets a server that did not read a body close the connection instead; clients open a new one.
 */
public class UnreadBodyFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (hasBody(exchange.getRequest())) {
            exchange.getResponse().beforeCommit(() -> {
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                if (status != null && status.isError()) {
                    exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                }
                return Mono.empty();
            });
        }
        return chain.filter(exchange);
    }

    static boolean hasBody(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }
}
