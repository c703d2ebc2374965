package io.chis.bench;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The machine's own limits, measured in the same run: what the pipeline's throughput is compared with. */
final class Ceilings {

    static final int POSTGRES_CONNECTIONS = 32;
    static final int SINK_CONNECTIONS = 64;

    /** Inserts per second, and the durability settings they ran under. */
    record PostgresCeiling(
            double insertsPerSecond,
            long inserts,
            double seconds,
            String synchronousCommit,
            String fsync,
            String walSyncMethod) {}

    record SinkCeiling(double requestsPerSecond, long requests, double seconds) {}

    private Ceilings() {}

    static String jdbcUrl(String databaseUrl) {
        // postgres://postgres:postgres@localhost:54329/postgres?sslmode=disable, as the stores print it
        URIParts p = URIParts.parse(databaseUrl);
        return "jdbc:postgresql://" + p.host + ":" + p.port + "/" + p.database + "?user=" + p.user + "&password="
                + p.password + "&sslmode=disable";
    }

    /**
     * What pgbench measures for a one-statement script: {@value #POSTGRES_CONNECTIONS} connections, each in a tight
     * loop of one autocommitted single-row INSERT (a durable commit per row), into a table like {@code messages}.
     */
    static PostgresCeiling postgres(String databaseUrl, Duration duration, int payloadBytes) throws Exception {
        String url = jdbcUrl(databaseUrl);
        try (Connection admin = DriverManager.getConnection(url);
                Statement s = admin.createStatement()) {
            s.execute("drop table if exists bench_ceiling");
            s.execute("create table bench_ceiling (id uuid primary key, payload bytea not null, "
                    + "created_at timestamptz not null default now())");
        }
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'x');
        LongAdder inserts = new LongAdder();
        CountDownLatch ready = new CountDownLatch(POSTGRES_CONNECTIONS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong stopAt = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        String[] settings = new String[3];
        for (int t = 0; t < POSTGRES_CONNECTIONS; t++) {
            boolean first = t == 0;
            threads.add(Thread.ofPlatform().name("pg-ceiling-" + t).start(() -> {
                try (Connection c = DriverManager.getConnection(url)) {
                    c.setAutoCommit(true);
                    if (first) {
                        settings[0] = show(c, "synchronous_commit");
                        settings[1] = show(c, "fsync");
                        settings[2] = show(c, "wal_sync_method");
                    }
                    try (PreparedStatement insert =
                            c.prepareStatement("insert into bench_ceiling (id, payload) values (?, ?)")) {
                        ready.countDown();
                        go.await();
                        while (System.nanoTime() - stopAt.get() < 0) {
                            insert.setObject(1, UUID.randomUUID());
                            insert.setBytes(2, payload);
                            insert.executeUpdate();
                            inserts.increment();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                    ready.countDown();
                }
            }));
        }
        ready.await();
        long start = System.nanoTime();
        stopAt.set(start + duration.toNanos());
        go.countDown();
        for (Thread thread : threads) thread.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!failures.isEmpty()) throw new IllegalStateException("PostgreSQL ceiling failed", failures.getFirst());
        try (Connection admin = DriverManager.getConnection(url);
                Statement s = admin.createStatement()) {
            s.execute("drop table bench_ceiling");
        }
        return new PostgresCeiling(
                inserts.sum() / seconds, inserts.sum(), seconds, settings[0], settings[1], settings[2]);
    }

    static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The sink's raw request rate: {@value #SINK_CONNECTIONS} keep-alive connections in a tight loop of POSTs the
     * size of a webhook, with the same headers, from Reactor Netty's client (the runtime's webhook client).
     */
    static SinkCeiling sink(Sink sink, Duration duration, int payloadBytes) throws InterruptedException {
        loop(sink, Duration.ofSeconds(2), payloadBytes); // warm-up: JIT, connections
        return loop(sink, duration, payloadBytes);
    }

    private static SinkCeiling loop(Sink sink, Duration duration, int payloadBytes) throws InterruptedException {
        ConnectionProvider pool = ConnectionProvider.builder("bench-ceiling")
                .maxConnections(SINK_CONNECTIONS)
                .pendingAcquireMaxCount(-1)
                .build();
        HttpClient client = HttpClient.create(pool).baseUrl("http://127.0.0.1:" + sink.port());
        byte[] body = ("{\"seq\":1,\"pad\":\"" + "x".repeat(Math.max(0, payloadBytes - 20)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        LongAdder done = new LongAdder();
        CountDownLatch lanes = new CountDownLatch(SINK_CONNECTIONS);
        for (int i = 0; i < SINK_CONNECTIONS; i++) {
            Runnable[] loop = new Runnable[1];
            loop[0] = () -> {
                if (System.nanoTime() - deadline >= 0) {
                    lanes.countDown();
                    return;
                }
                client.headers(h -> h.set("Content-Type", "application/json")
                                .set("User-Agent", "Chis/bench")
                                .set("webhook-id", UUID.randomUUID().toString())
                                .set("webhook-timestamp", String.valueOf(System.currentTimeMillis() / 1000))
                                .set("webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="))
                        .post()
                        .uri(Sink.CEILING_PATH)
                        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                        .responseSingle((response, content) ->
                                content.then(Mono.just(response.status().code())))
                        .subscribe(code -> done.increment(), e -> loop[0].run(), () -> loop[0].run());
            };
            loop[0].run();
        }
        lanes.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.disposeLater().block(Duration.ofSeconds(5));
        return new SinkCeiling(done.sum() / seconds, done.sum(), seconds);
    }

    /** The parts of a postgres:// URL. */
    record URIParts(String host, int port, String database, String user, String password) {
        static URIParts parse(String url) {
            java.net.URI uri = java.net.URI.create(url);
            String[] userInfo = uri.getUserInfo().split(":", 2);
            return new URIParts(
                    uri.getHost(),
                    uri.getPort(),
                    uri.getPath().substring(1),
                    userInfo[0],
                    userInfo.length > 1 ? userInfo[1] : "");
        }
    }
}
