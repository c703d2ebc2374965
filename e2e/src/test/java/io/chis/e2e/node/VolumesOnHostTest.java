package io.chis.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumesOnHostTest {

    @TempDir
    Path node;

    @Test
    void envPathsUnderAMountPointIntoTheVolumeOnTheNode() {
        Path tls = node.resolve("pods/ns/api-1/volumes/grpc-tls");
        Path data = node.resolve("volumes/ns/data-pg-0");
        Map<String, Path> mounts = Map.of("/etc/chis/grpc-tls", tls, "/var/lib/postgresql/data", data);

        assertThat(Images.envOnHost("/etc/chis/grpc-tls/tls.crt", mounts))
                .isEqualTo(tls.resolve("tls.crt").toString());
        assertThat(Images.envOnHost("/var/lib/postgresql/data", mounts)).isEqualTo(data.toString());
        // not under a mount: a prefix of a mountPath is not under it, relative paths and other values stay as written
        assertThat(Images.envOnHost("/etc/chis/grpc-tls-other/ca.crt", mounts))
                .isEqualTo("/etc/chis/grpc-tls-other/ca.crt");
        assertThat(Images.envOnHost("/etc/chis", mounts)).isEqualTo("/etc/chis");
        assertThat(Images.envOnHost("etc/chis/grpc-tls/tls.crt", mounts)).isEqualTo("etc/chis/grpc-tls/tls.crt");
        assertThat(Images.envOnHost("8080", mounts)).isEqualTo("8080");
    }

    @Test
    void theLongestMountPathWins() {
        Map<String, Path> mounts = Map.of("/etc", node.resolve("etc"), "/etc/chis/grpc-tls", node.resolve("tls"));

        assertThat(Images.envOnHost("/etc/chis/grpc-tls/ca.crt", mounts))
                .isEqualTo(node.resolve("tls/ca.crt").toString());
        assertThat(Images.onHost("/etc/hosts", mounts, node)).isEqualTo(node.resolve("etc/hosts"));
        assertThat(Images.onHost("/tmp/x", mounts, node)).isEqualTo(node.resolve("rootfs/tmp/x"));
    }

    @Test
    void aVolumeHoldsEveryKeyOrOnlyItsItems() throws Exception {
        Map<String, byte[]> data = Map.of("tls.crt", bytes("CERT"), "tls.key", bytes("KEY"), "ca.crt", bytes("CA"));
        Path dir = Files.createDirectories(node.resolve("tls"));

        NodeSimulator.project(dir, "secret p-grpc-tls", data, null);
        assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo("KEY");
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(3);
        }

        NodeSimulator.project(
                dir,
                "secret p-grpc-tls",
                data,
                List.of(new KeyToPathBuilder()
                        .withKey("ca.crt")
                        .withPath("trust/ca.pem")
                        .build()));
        assertThat(Files.readString(dir.resolve("trust/ca.pem"))).isEqualTo("CA");
        assertThat(dir.resolve("tls.key")).doesNotExist();

        assertThatThrownBy(() -> NodeSimulator.project(
                        dir,
                        "secret p-grpc-tls",
                        data,
                        List.of(new KeyToPathBuilder()
                                .withKey("nope")
                                .withPath("nope")
                                .build())))
                .hasMessageContaining("no key nope");
        assertThatThrownBy(() -> NodeSimulator.project(
                        dir,
                        "secret p-grpc-tls",
                        data,
                        List.of(new KeyToPathBuilder()
                                .withKey("ca.crt")
                                .withPath("../escape")
                                .build())))
                .hasMessageContaining("leaves the volume");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
