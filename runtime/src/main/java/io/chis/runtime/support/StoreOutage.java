package io.chis.runtime.support;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;

/**
 * Which errors mean "a store cannot answer now" (PostgreSQL or Redis unreachable, stalled, restarting, out of
 * connections, a statement or lock timeout) rather than a bug: they are answered 503 with {@code Retry-After} (REST)
 * or {@code UNAVAILABLE} (gRPC) and are not logged per request; {@code StoreWatch} logs the outage once.
 */
public final class StoreOutage {

    /** How long a client is told to wait before trying again. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private StoreOutage() {}

    public static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r2dbc && unavailableState(r2dbc.getSqlState())) return true;
            if (t instanceof R2dbcNonTransientResourceException
                    || t instanceof R2dbcTransientResourceException
                    || t instanceof R2dbcTimeoutException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException
                    || t instanceof QueryTimeoutException
                    || t instanceof PessimisticLockingFailureException
                    || t instanceof TimeoutException
                    || t instanceof IOException) {
                return true;
            }
            // a Redis error reply (a script error, a wrong type) is a bug, not an outage
            if (t instanceof RedisException && !(t instanceof RedisCommandExecutionException)) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /**
     * SQLSTATEs of an unavailable server: connection exceptions (08), insufficient resources (53), shutdown or
     * recovery (57P0x), statement timeout (57014), lock timeout (55P03).
     */
    static boolean unavailableState(String state) {
        if (state == null) return false;
        return state.startsWith("08")
                || state.startsWith("53")
                || state.startsWith("57P0")
                || state.equals("57014")
                || state.equals("55P03");
    }
}
