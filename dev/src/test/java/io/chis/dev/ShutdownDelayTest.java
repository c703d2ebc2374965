package io.chis.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** make run stops at once on Ctrl-C: the runtime jar's drain delay applies in the dev jar only when asked for. */
class ShutdownDelayTest {

    @Test
    void noDelayUnlessSet() {
        assertThat(ChisDev.shutdownDelay(Map.of())).isZero();
        assertThat(ChisDev.shutdownDelay(Map.of("CHIS_SHUTDOWN_DELAY", "3s"))).isEqualTo(Duration.ofSeconds(3));
    }
}
