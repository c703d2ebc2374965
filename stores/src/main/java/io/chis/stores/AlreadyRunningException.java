package io.chis.stores;

import java.nio.file.Path;

/** Another live process owns the data directory: its stores are running, so this one must not start them. */
public final class AlreadyRunningException extends IllegalStateException {

    private final long pid;

    public AlreadyRunningException(Path dataDir, long pid) {
        super("Chis is already running from " + dataDir + (pid > 0 ? " (pid " + pid + ")" : ""));
        this.pid = pid;
    }

    public long pid() {
        return pid;
    }
}
