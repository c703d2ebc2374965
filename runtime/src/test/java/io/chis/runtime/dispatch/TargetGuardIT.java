package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver.Reply;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The SSRF guard with {@code CHIS_ALLOW_PRIVATE_TARGETS=false}: the address a connection would use is checked
 * (a hostname resolving to loopback is caught too), and a refusal is one recorded, non-retried attempt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetGuardIT {

    ChisRuntime runtime;
    Sender sender;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ALLOW_PRIVATE_TARGETS", "false");
        env.put("CHIS_DELIVERY_TIMEOUT", "2s");
        runtime = TestRuntime.start(env);
        sender = new Sender(runtime.settings().httpPort());
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    @Test
    void refusesLoopbackByAddressAndByHostnameWithoutSendingAnything() throws InterruptedException {
        try (Receiver receiver = Receiver.start(n -> Reply.ok())) {
            String byAddress = sender.send(receiver.url("/internal"), "{\"secret\":1}");
            String byName = sender.send("http://localhost:" + receiver.port() + "/internal", "{\"secret\":2}");

            for (String id : List.of(byAddress, byName)) {
                sender.awaitStatus(id, "dead", Duration.ofSeconds(10));
                assertThat(sender.attempts(id)).singleElement().satisfies(attempt -> {
                    assertThat(attempt.get("statusCode")).isNull();
                    assertThat((String) attempt.get("error"))
                            .contains("refused to connect to", "loopback", "CHIS_ALLOW_PRIVATE_TARGETS=true");
                });
            }
            Thread.sleep(1500); // longer than a first retry would wait
            assertThat(receiver.requests())
                    .as("nothing reached the internal receiver")
                    .isEmpty();
            assertThat(sender.attempts(byName)).hasSize(1);
        }
    }

    @Test
    void refusesTheCloudMetadataAddress() {
        String id = sender.send("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "{}");
        sender.awaitStatus(id, "dead", Duration.ofSeconds(10));
        assertThat(sender.attempts(id))
                .singleElement()
                .satisfies(attempt ->
                        assertThat((String) attempt.get("error")).contains("169.254.169.254", "cloud metadata"));
    }
}
