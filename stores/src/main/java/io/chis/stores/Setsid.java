package io.chis.stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a child in a session of its own, out of the terminal's process group, so that Ctrl-C reaches only the JVM,
 * which then stops the stores after the roles.
 */
final class Setsid {

    private static final boolean AVAILABLE =
            Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"));

    private Setsid() {}

    static List<String> prefix(String... command) {
        return prefix(List.of(command));
    }

    static List<String> prefix(List<String> command) {
        List<String> full = new ArrayList<>();
        if (AVAILABLE) full.add("setsid");
        full.addAll(command);
        return full;
    }
}
