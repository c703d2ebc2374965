package io.chis.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL location parsed from {@code DATABASE_URL}, which may be written as {@code postgres://},
 * {@code postgresql://}, {@code jdbc:postgresql://} or {@code r2dbc:postgresql://}; rendered for JDBC (Flyway)
 * and R2DBC (the runtime).
 */
public record DatabaseUrl(String host, int port, String database, String user, String password, String sslMode) {

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("DATABASE_URL is empty");
        String rest = url.trim();
        for (String prefix : new String[] {"jdbc:", "r2dbc:"}) {
            if (rest.startsWith(prefix)) rest = rest.substring(prefix.length());
        }
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgres://, postgresql://, "
                    + "jdbc:postgresql:// or r2dbc:postgresql://");
        }
        if (uri.getHost() == null) throw new IllegalArgumentException("DATABASE_URL has no host");
        Map<String, String> query = query(uri.getRawQuery());
        String user = query.get("user");
        String password = query.get("password");
        if (uri.getRawUserInfo() != null) {
            String[] info = uri.getRawUserInfo().split(":", 2);
            user = decode(info[0]);
            if (info.length > 1) password = decode(info[1]);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new DatabaseUrl(
                uri.getHost(),
                uri.getPort() > 0 ? uri.getPort() : 5432,
                path.isEmpty() ? "postgres" : path,
                user == null ? "postgres" : user,
                password,
                query.getOrDefault("sslmode", "prefer"));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode;
    }

    /** For log lines: the location without credentials. */
    @Override
    public String toString() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return params;
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
