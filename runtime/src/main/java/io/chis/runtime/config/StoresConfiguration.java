package io.chis.runtime.config;

import io.chis.common.Role;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/** PostgreSQL over R2DBC and Redis over Lettuce, shared by every role of the process. */
@Configuration(proxyBeanMethods = false)
public class StoresConfiguration {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(4);
    // longer than any statement Chis runs in normal operation (the sweep, a partition's DDL)
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    @Bean(destroyMethod = "dispose")
    ConnectionPool connectionPool(ChisSettings settings) {
        return pool(settings);
    }

    /** The R2DBC pool on {@code DATABASE_URL}; also for commands that run without the Spring context. */
    public static ConnectionPool pool(ChisSettings settings) {
        DatabaseUrl url = DatabaseUrl.parse(settings.databaseUrl());
        var config = PostgresqlConnectionConfiguration.builder()
                .host(url.host())
                .port(url.port())
                .database(url.database())
                .username(url.user())
                .sslMode(SSLMode.fromValue(url.sslMode()))
                .applicationName("chis-"
                        + String.join(
                                "-", settings.roles().stream().map(Role::id).toList()));
        if (url.password() != null) config.password(url.password());
        // An outage must fail a request within seconds (503), and a half-open connection after a failover must not
        // hang for ever: bounded connect, acquire, statement and lock waits; keepalive; connections recycled.
        config.connectTimeout(CONNECT_TIMEOUT)
                .tcpKeepAlive(true)
                .statementTimeout(STATEMENT_TIMEOUT)
                .lockWaitTimeout(LOCK_TIMEOUT);
        int size = settings.delivery().dbPoolSize();
        return new ConnectionPool(ConnectionPoolConfiguration.builder(new PostgresqlConnectionFactory(config.build()))
                .initialSize(Math.min(2, size))
                .maxSize(size)
                .maxIdleTime(Duration.ofMinutes(10))
                .maxLifeTime(Duration.ofMinutes(30))
                .maxAcquireTime(ACQUIRE_TIMEOUT)
                .maxCreateConnectionTime(CONNECT_TIMEOUT)
                .maxValidationTime(Duration.ofSeconds(2))
                .backgroundEvictionInterval(Duration.ofSeconds(30))
                // a local check of each borrowed connection: a SELECT 1 would add a round trip to every statement
                .validationDepth(ValidationDepth.LOCAL)
                .name("chis")
                .build());
    }

    @Bean
    DatabaseClient databaseClient(ConnectionPool pool) {
        return DatabaseClient.create(pool);
    }

    @Bean
    TransactionalOperator transactionalOperator(ConnectionPool pool) {
        return TransactionalOperator.create(new R2dbcTransactionManager(pool));
    }

    /**
     * Lettuce's threads, resolving host names through the JVM (as JDBC, gRPC and the hosts file do) rather than
     * Netty's own DNS client, which reads /etc/resolv.conf and /etc/hosts by itself.
     */
    @Bean(destroyMethod = "shutdown")
    ClientResources redisClientResources() {
        return ClientResources.builder()
                .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE)
                .build();
    }

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(ChisSettings settings, ClientResources resources) {
        RedisClient client = RedisClient.create(resources, RedisURI.create(settings.redisUrl()));
        // Fail commands at once while disconnected instead of buffering them: PostgreSQL is the fallback.
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .keepAlive(true)
                        .build())
                .build());
        return client;
    }

    /** The shared, pipelined connection for short commands, opened lazily; blocking reads get their own. */
    @Bean(destroyMethod = "close")
    SharedRedisConnection redisConnection(RedisClient client, ChisSettings settings) {
        SharedRedisConnection connection = new SharedRedisConnection(client, RedisURI.create(settings.redisUrl()));
        connection.connectSoon();
        return connection;
    }
}
