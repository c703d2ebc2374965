package io.chis.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.common.Role;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChisSettingsTest {

    @Test
    void defaultsMatchTheDesign() {
        ChisSettings settings = ChisSettings.fromEnv(Map.of());
        assertThat(settings.roles()).isEqualTo(EnumSet.allOf(Role.class));
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.grpcPort()).isEqualTo(50051);
        assertThat(settings.metricsPort()).isEqualTo(9090);
        assertThat(settings.grpcAddress()).isEqualTo("localhost:50051");
        assertThat(settings.maxPayloadBytes()).isEqualTo(262144);
        assertThat(settings.dataDir().toString()).endsWith(".chis");
        assertThat(settings.allowPrivateTargets())
                .as("all roles on embedded stores")
                .isTrue();
    }

    @Test
    void privateTargetsAreRefusedByDefaultOutsideLocalAllMode() {
        assertThat(ChisSettings.fromEnv(Map.of("CHIS_ROLES", "worker")).allowPrivateTargets())
                .isFalse();
        assertThat(ChisSettings.fromEnv(Map.of("DATABASE_URL", "postgres://h/db", "REDIS_URL", "redis://h:6379"))
                        .allowPrivateTargets())
                .isFalse();
        assertThat(ChisSettings.fromEnv(Map.of("CHIS_ROLES", "worker", "CHIS_ALLOW_PRIVATE_TARGETS", "true"))
                        .allowPrivateTargets())
                .isTrue();
    }

    @Test
    void rolesAreACommaList() {
        assertThat(Role.parse("api, worker")).containsExactlyInAnyOrder(Role.API, Role.WORKER);
        assertThat(Role.parse("ALL")).hasSize(4);
        assertThatThrownBy(() -> Role.parse("api,gateway")).hasMessageContaining("unknown role 'gateway'");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("JWT_SECRET", "short")))
                .hasMessageContaining("JWT_SECRET must be at least 32 bytes");
        assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("HTTP_PORT", "eighty")))
                .hasMessageContaining("HTTP_PORT");
        assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("METRICS_PORT", "70000")))
                .hasMessageContaining("METRICS_PORT");
        assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("REDIS_URL", "http://localhost")))
                .hasMessageContaining("REDIS_URL");
        assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("DATABASE_URL", "mongodb://x")))
                .hasMessageContaining("DATABASE_URL");
        assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("CHIS_MAX_PAYLOAD_BYTES", "-1")))
                .hasMessageContaining("CHIS_MAX_PAYLOAD_BYTES");
    }

    @Test
    void bindAddressIsAnIpLiteralAndDefaultsToAllInterfaces() {
        assertThat(ChisSettings.fromEnv(Map.of()).bindAddress()).isNull();
        assertThat(ChisSettings.fromEnv(Map.of())
                        .listenAddress(8080)
                        .getAddress()
                        .isAnyLocalAddress())
                .isTrue();
        ChisSettings pod = ChisSettings.fromEnv(Map.of("CHIS_BIND_ADDRESS", " 10.1.2.3 "));
        assertThat(pod.bindAddress()).isEqualTo("10.1.2.3");
        assertThat(pod.listenAddress(9090).getAddress().getHostAddress()).isEqualTo("10.1.2.3");
        assertThat(pod.listenAddress(9090).getPort()).isEqualTo(9090);
        assertThat(ChisSettings.fromEnv(Map.of("CHIS_BIND_ADDRESS", "[::1]")).bindAddress())
                .isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(pod.withJwtSecret("x".repeat(32)).bindAddress())
                .as("kept by the copies")
                .isEqualTo("10.1.2.3");
        for (String bad : new String[] {"chis-api.shop.svc", "10.1.2", "256.1.1.1", "10.0.0.1:80", "::g"}) {
            assertThatThrownBy(() -> ChisSettings.fromEnv(Map.of("CHIS_BIND_ADDRESS", bad)))
                    .as(bad)
                    .hasMessageContaining("CHIS_BIND_ADDRESS must be an IP address");
        }
    }
}
