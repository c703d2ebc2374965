package io.chis.stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on {@code <dataDir>/chis.pid} holding the owner's pid: the OS drops it when the owner dies, even by
 * kill -9, so a lock that cannot be taken always means a live owner.
 */
final class DataDirLock implements AutoCloseable {

    static final String FILE = "chis.pid";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new AlreadyRunningException(dataDir, Pids.read(file));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            try {
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new UncheckedIOException("could not lock the data directory " + dataDir, e);
        }
    }

    @Override
    public void close() throws IOException {
        // truncate first: a pid left in an unlocked file would name a process that no longer owns anything
        channel.truncate(0);
        lock.release();
        channel.close();
    }
}
