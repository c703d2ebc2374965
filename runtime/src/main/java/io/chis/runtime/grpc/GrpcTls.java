package io.chis.runtime.grpc;

import io.chis.runtime.config.SecuritySettings.TlsFiles;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * gRPC credentials from {@code CHIS_GRPC_TLS_CERT}/{@code _KEY}/{@code _CA}: mutual TLS, where the server requires a
 * client certificate signed by the CA and every client presents the process's own certificate. The PEM files are read
 * again every minute, so certificates the operator rotates are picked up without a restart. Without files: plaintext.
 */
public final class GrpcTls implements AutoCloseable {

    static final long RELOAD_MINUTES = 1;

    private final TlsFiles files;
    private final ScheduledExecutorService reloader;
    private final List<AutoCloseable> watches = new ArrayList<>();
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();

    public GrpcTls(TlsFiles files) {
        this.files = files;
        if (files == null) {
            reloader = null;
            return;
        }
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chis-grpc-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            watches.add(keys.updateIdentityCredentials(
                    files.cert().toFile(), files.key().toFile(), RELOAD_MINUTES, TimeUnit.MINUTES, reloader));
        } catch (IOException | GeneralSecurityException e) {
            close();
            throw new IllegalArgumentException(
                    "CHIS_GRPC_TLS_CERT/CHIS_GRPC_TLS_KEY: cannot load " + files.cert() + " and " + files.key() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    public boolean enabled() {
        return files != null;
    }

    public ServerCredentials server() {
        if (files == null) return InsecureServerCredentials.create();
        return TlsServerCredentials.newBuilder()
                .keyManager(keys)
                // a client's certificate names no host: the CA's signature is what admits it
                .trustManager(trust(Verification.CERTIFICATE_ONLY_VERIFICATION))
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    public ChannelCredentials client() {
        if (files == null) return InsecureChannelCredentials.create();
        return TlsChannelCredentials.newBuilder()
                .keyManager(keys)
                .trustManager(trust(Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION))
                .build();
    }

    private AdvancedTlsX509TrustManager trust(Verification verification) {
        try {
            AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(verification)
                    .build();
            watches.add(trust.updateTrustCredentials(files.ca().toFile(), RELOAD_MINUTES, TimeUnit.MINUTES, reloader));
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "CHIS_GRPC_TLS_CA: cannot load " + files.ca() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable watch : watches) {
            try {
                watch.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
        if (reloader != null) reloader.shutdownNow();
    }
}
