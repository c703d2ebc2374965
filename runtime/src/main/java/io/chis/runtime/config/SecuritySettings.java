package io.chis.runtime.config;

import io.chis.runtime.throttle.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the runtime authenticates, encrypts and throttles (README "Security").
 *
 * @param internalToken          {@code CHIS_INTERNAL_TOKEN}: the roles' credential on DeliveryService; null until
 *                               {@link io.chis.runtime.ChisRuntime} reads or generates it in the data dir
 * @param grpcTls                {@code CHIS_GRPC_TLS_CERT}/{@code _KEY}/{@code _CA}: mutual TLS on gRPC; null for
 *                               plaintext
 * @param restTls                {@code CHIS_TLS_CERT}/{@code CHIS_TLS_KEY}: HTTPS on the REST port; null for HTTP
 * @param registrationOpen       {@code CHIS_REGISTRATION}: whether {@code POST /auth/register} creates accounts
 * @param authRate               {@code CHIS_AUTH_RATE}: login and register limits
 * @param accountSendRate        {@code CHIS_ACCOUNT_SEND_RATE}: sends per account; null for unlimited
 * @param maxEndpointsPerAccount {@code CHIS_MAX_ENDPOINTS_PER_ACCOUNT}
 * @param httpIdleTimeout        {@code CHIS_HTTP_IDLE_TIMEOUT}: an idle keep-alive connection is closed after it
 */
public record SecuritySettings(
        String internalToken,
        TlsFiles grpcTls,
        TlsFiles restTls,
        boolean registrationOpen,
        AuthRate authRate,
        Rate accountSendRate,
        int maxEndpointsPerAccount,
        Duration httpIdleTimeout) {

    /** PEM files; {@code ca} is null for the REST port (no client certificates there). */
    public record TlsFiles(Path cert, Path key, Path ca) {}

    /**
     * {@code CHIS_AUTH_RATE}, e.g. {@code email:10/1m,address:300/1m}: failed logins (and registrations) per e-mail,
     * and login plus register requests per client address.
     */
    public record AuthRate(Rate perEmail, Rate perAddress) {

        public static final AuthRate DEFAULT =
                new AuthRate(new Rate(10, Duration.ofMinutes(1)), new Rate(300, Duration.ofMinutes(1)));

        static AuthRate parse(String text) {
            Rate email = DEFAULT.perEmail();
            Rate address = DEFAULT.perAddress();
            for (String part : text.split(",")) {
                String[] kv = part.trim().split(":", 2);
                if (kv.length != 2) throw invalid(text);
                Rate rate = Rate.parse(kv[1]);
                switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                    case "email" -> email = rate;
                    case "address" -> address = rate;
                    default -> throw invalid(text);
                }
            }
            return new AuthRate(email, address);
        }

        private static IllegalArgumentException invalid(String text) {
            return new IllegalArgumentException(
                    "CHIS_AUTH_RATE must look like email:10/1m,address:300/1m, got '" + text + "'");
        }
    }

    public static final SecuritySettings DEFAULTS =
            new SecuritySettings(null, null, null, true, AuthRate.DEFAULT, null, 100, Duration.ofSeconds(60));

    public static SecuritySettings fromEnv(Map<String, String> env) {
        String registration = value(env, "CHIS_REGISTRATION");
        if (registration != null && !registration.equals("open") && !registration.equals("closed")) {
            throw new IllegalArgumentException("CHIS_REGISTRATION must be open or closed, got '" + registration + "'");
        }
        String authRate = value(env, "CHIS_AUTH_RATE");
        String sendRate = value(env, "CHIS_ACCOUNT_SEND_RATE");
        String maxEndpoints = value(env, "CHIS_MAX_ENDPOINTS_PER_ACCOUNT");
        try {
            return new SecuritySettings(
                    value(env, "CHIS_INTERNAL_TOKEN"),
                    files(env, "CHIS_GRPC_TLS_CERT", "CHIS_GRPC_TLS_KEY", "CHIS_GRPC_TLS_CA"),
                    files(env, "CHIS_TLS_CERT", "CHIS_TLS_KEY", null),
                    registration == null || registration.equals("open"),
                    authRate == null ? AuthRate.DEFAULT : AuthRate.parse(authRate),
                    sendRate == null ? null : rate("CHIS_ACCOUNT_SEND_RATE", sendRate),
                    maxEndpoints == null ? DEFAULTS.maxEndpointsPerAccount() : positive(maxEndpoints),
                    DeliverySettings.duration(env, Setting.CHIS_HTTP_IDLE_TIMEOUT, false));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "CHIS_MAX_ENDPOINTS_PER_ACCOUNT must be a positive integer, got '" + maxEndpoints + "'");
        }
    }

    public SecuritySettings withInternalToken(String token) {
        return new SecuritySettings(
                token,
                grpcTls,
                restTls,
                registrationOpen,
                authRate,
                accountSendRate,
                maxEndpointsPerAccount,
                httpIdleTimeout);
    }

    private static TlsFiles files(Map<String, String> env, String certVar, String keyVar, String caVar) {
        String cert = value(env, certVar);
        String key = value(env, keyVar);
        String ca = caVar == null ? null : value(env, caVar);
        if (cert == null && key == null && ca == null) return null;
        if (cert == null || key == null || (caVar != null && ca == null)) {
            throw new IllegalArgumentException("set all of " + certVar + ", " + keyVar
                    + (caVar == null ? "" : ", " + caVar) + " (PEM files) or none of them");
        }
        return new TlsFiles(readable(certVar, cert), readable(keyVar, key), ca == null ? null : readable(caVar, ca));
    }

    private static Path readable(String name, String file) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) throw new IllegalArgumentException(name + ": cannot read " + path);
        return path;
    }

    private static Rate rate(String name, String text) {
        try {
            return Rate.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static int positive(String text) {
        int value = Integer.parseInt(text);
        if (value < 1) throw new NumberFormatException();
        return value;
    }

    // every name is one of the table's, so --help lists it
    private static String value(Map<String, String> env, String name) {
        return Setting.valueOf(name).raw(env);
    }
}
