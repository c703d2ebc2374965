package io.chis.operator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.Platforms;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformResolutionTest {
    private static final WebhookPlatform CHIS = Platforms.managed("shop", "chis");
    private static final WebhookPlatform STAGING = Platforms.managed("shop", "staging");

    @Test
    void theNamedPlatform() {
        assertThat(PlatformResolution.resolve("staging", "shop", List.of(CHIS, STAGING)))
                .isSameAs(STAGING);
        assertThatThrownBy(() -> PlatformResolution.resolve("prod", "shop", List.of(CHIS, STAGING)))
                .isInstanceOfSatisfying(SyncProblem.class, p -> {
                    assertThat(p.reason()).isEqualTo("PlatformNotFound");
                    assertThat(p.getMessage()).isEqualTo("WebhookPlatform prod does not exist in namespace shop");
                });
    }

    @Test
    void byDefaultTheOnlyOneInTheNamespace() {
        assertThat(PlatformResolution.resolve(null, "shop", List.of(CHIS))).isSameAs(CHIS);
        assertThat(PlatformResolution.resolve(" ", "shop", List.of(CHIS))).isSameAs(CHIS);
        assertThatThrownBy(() -> PlatformResolution.resolve(null, "shop", List.of()))
                .isInstanceOfSatisfying(
                        SyncProblem.class, p -> assertThat(p.reason()).isEqualTo("PlatformNotFound"));
        assertThatThrownBy(() -> PlatformResolution.resolve(null, "shop", List.of(STAGING, CHIS)))
                .isInstanceOfSatisfying(SyncProblem.class, p -> {
                    assertThat(p.reason()).isEqualTo("PlatformAmbiguous");
                    assertThat(p.getMessage()).contains("chis, staging").contains("spec.platformRef");
                });
    }

    @Test
    void platformEventsReachTheEndpointsThatMayUseThePlatform() {
        assertThat(PlatformResolution.mayUse(null, CHIS)).isTrue();
        assertThat(PlatformResolution.mayUse("chis", CHIS)).isTrue();
        assertThat(PlatformResolution.mayUse("staging", CHIS)).isFalse();
    }
}
