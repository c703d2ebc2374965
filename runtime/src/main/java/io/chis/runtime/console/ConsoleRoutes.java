package io.chis.runtime.console;

import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The web console at {@code /console}: static ES modules and CSS from the jar (no build step, nothing fetched at run
 * time) that speak only the public REST API.
 */
public class ConsoleRoutes {

    // Only our own scripts and styles, and the API on the same origin: an injected string cannot load or post
    // elsewhere.
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final ClassPathResource ROOT = new ClassPathResource("console/");
    private static final ClassPathResource INDEX = new ClassPathResource("console/index.html");

    @Bean
    RouterFunction<ServerResponse> consoleRoutes() {
        return RouterFunctions.route()
                .GET(
                        "/console",
                        request -> ServerResponse.ok()
                                .contentType(MediaType.TEXT_HTML)
                                .headers(ConsoleRoutes::secure)
                                .bodyValue(INDEX))
                .build()
                .and(RouterFunctions.resources("/console/**", ROOT, (resource, headers) -> secure(headers)));
    }

    private static void secure(HttpHeaders headers) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.setCacheControl(CacheControl.noCache());
    }
}
