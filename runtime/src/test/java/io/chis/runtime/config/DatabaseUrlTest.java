package io.chis.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgres://chis:s3cret@db.example:5433/webhooks?sslmode=disable",
                "postgresql://chis:s3cret@db.example:5433/webhooks?sslmode=disable",
                "jdbc:postgresql://db.example:5433/webhooks?user=chis&password=s3cret&sslmode=disable",
                "r2dbc:postgresql://chis:s3cret@db.example:5433/webhooks?sslmode=disable"
            })
    void acceptsEveryDocumentedForm(String url) {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        assertThat(parsed).isEqualTo(new DatabaseUrl("db.example", 5433, "webhooks", "chis", "s3cret", "disable"));
        assertThat(parsed.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/webhooks?sslmode=disable");
    }

    @Test
    void defaultsPortDatabaseAndSslMode() {
        assertThat(DatabaseUrl.parse("postgres://u@host"))
                .isEqualTo(new DatabaseUrl("host", 5432, "postgres", "u", null, "prefer"));
    }

    @Test
    void decodesPercentEncodedCredentials() {
        DatabaseUrl parsed = DatabaseUrl.parse("postgres://us%40er:p%3Ass%2Fw@host/db");
        assertThat(parsed.user()).isEqualTo("us@er");
        assertThat(parsed.password()).isEqualTo("p:ss/w");
    }

    @Test
    void neverPrintsCredentials() {
        assertThat(DatabaseUrl.parse("postgres://chis:s3cret@host/db").toString())
                .doesNotContain("s3cret");
    }

    @Test
    void refusesOtherSchemes() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://host/db")).hasMessageContaining("postgres://");
        assertThatThrownBy(() -> DatabaseUrl.parse("")).hasMessageContaining("empty");
    }
}
