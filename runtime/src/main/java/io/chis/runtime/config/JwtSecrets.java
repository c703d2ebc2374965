package io.chis.runtime.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The JWT signing key for local runs: generated once and kept in the data dir, so tokens survive a restart. */
public final class JwtSecrets {

    private JwtSecrets() {}

    public static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("jwt-secret");
        try {
            if (Files.exists(file)) return Files.readString(file).trim();
            Files.createDirectories(dataDir);
            byte[] key = new byte[48];
            new SecureRandom().nextBytes(key);
            String secret = Base64.getEncoder().encodeToString(key);
            Files.writeString(file, secret);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the file stays with default permissions
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create " + file, e);
        }
    }
}
