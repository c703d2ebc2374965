package io.chis.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.TestRuntime;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CHIS_BIND_ADDRESS: with all roles running, the REST, gRPC and metrics listeners answer on that address only. */
class BindAddressIT {

    @Test
    void everyListenerBindsOnlyTheGivenAddress() throws IOException {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_BIND_ADDRESS", "127.0.0.2");
        try (ChisRuntime runtime = TestRuntime.start(env)) {
            for (String port : new String[] {"HTTP_PORT", "GRPC_PORT", "METRICS_PORT"}) {
                int number = Integer.parseInt(env.get(port));
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.2", number), 2000);
                }
                assertThatThrownBy(() -> {
                            try (Socket socket = new Socket()) {
                                socket.connect(new InetSocketAddress("127.0.0.1", number), 2000);
                            }
                        })
                        .as(port + " on 127.0.0.1")
                        .isInstanceOf(ConnectException.class);
            }
            assertThat(runtime.settings().bindAddress()).isEqualTo("127.0.0.2");
        }
    }
}
