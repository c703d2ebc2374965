package io.chis.runtime.config;

import io.chis.runtime.support.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secrets for runs without a setting ({@code make run}, the split-role targets): generated once and kept in the data
 * dir, so tokens survive a restart and every process on that dir agrees on them.
 */
public final class LocalSecrets {

    private LocalSecrets() {}

    /** The JWT signing key when {@code JWT_SECRET} is unset. */
    public static String jwtSecret(Path dataDir) {
        return loadOrCreate(dataDir, "jwt-secret");
    }

    /** The roles' credential on DeliveryService when {@code CHIS_INTERNAL_TOKEN} is unset. */
    public static String internalToken(Path dataDir) {
        return loadOrCreate(dataDir, "internal-token");
    }

    private static String loadOrCreate(Path dataDir, String name) {
        Path file = dataDir.resolve(name);
        try {
            if (Files.exists(file)) return Files.readString(file).trim();
            Files.createDirectories(dataDir);
            String secret = Secrets.randomUrlToken(48);
            // written aside and linked into place: roles starting together on one dir all end up with the first one
            Path draft = Files.createTempFile(dataDir, name, ".new");
            try {
                restrict(draft);
                Files.writeString(draft, secret, StandardCharsets.UTF_8);
                Files.createLink(file, draft);
                return secret;
            } catch (FileAlreadyExistsException taken) {
                return Files.readString(file).trim();
            } finally {
                Files.deleteIfExists(draft);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create " + file, e);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the file stays with default permissions
        }
    }
}
