package io.chis.runtime.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryPartitionsTest {

    private static final List<LocalDate> DAYS =
            List.of(LocalDate.parse("2026-11-03"), LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02"));

    @Test
    void aDayGoesOnlyOnceAllOfItIsPastTheWindowOldestFirst() {
        Instant now = Instant.parse("2026-11-05T12:00:00Z");
        assertThat(HistoryPartitions.expired(DAYS, now, Duration.ofDays(3)))
                .as("horizon 11-02 12:00: 11-02 still holds rows inside the window")
                .containsExactly(LocalDate.parse("2026-11-01"));
        assertThat(HistoryPartitions.expired(DAYS, now, Duration.ofHours(60)))
                .as("horizon 11-03 00:00: 11-02 ends exactly there")
                .containsExactly(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02"));
    }

    @Test
    void zeroKeepsEverything() {
        assertThat(HistoryPartitions.expired(DAYS, Instant.parse("2030-01-01T00:00:00Z"), Duration.ZERO))
                .isEmpty();
    }
}
