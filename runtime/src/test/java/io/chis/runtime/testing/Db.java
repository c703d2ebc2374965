package io.chis.runtime.testing;

import io.chis.runtime.config.DatabaseUrl;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC on the runtime's database, to check what was (or was not) stored. */
public final class Db {

    private final DatabaseUrl url;

    public Db(String databaseUrl) {
        this.url = DatabaseUrl.parse(databaseUrl);
    }

    public List<Map<String, Object>> query(String sql, Object... args) {
        try (var connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) statement.setObject(i + 1, args[i]);
            List<Map<String, Object>> rows = new ArrayList<>();
            if (!statement.execute()) return rows;
            try (var result = statement.getResultSet()) {
                var meta = result.getMetaData();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= meta.getColumnCount(); c++)
                        row.put(meta.getColumnLabel(c), result.getObject(c));
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long count(String sql, Object... args) {
        return ((Number) query(sql, args).get(0).values().iterator().next()).longValue();
    }
}
