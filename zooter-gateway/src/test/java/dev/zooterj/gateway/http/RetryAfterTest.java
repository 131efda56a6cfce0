package dev.zooterj.gateway.http;

import dev.zooterj.gateway.Limits;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void secondsDatesAndValuesTooLargeToRepresent() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", NOW));
        assertEquals(Optional.of(Duration.ofMillis(1500)), RetryAfter.parse(" 1.5 ", NOW));
        assertEquals(Optional.of(Limits.MAX_RETRY_AFTER), RetryAfter.parse("1e30", NOW));
        assertEquals(Optional.of(Limits.MAX_RETRY_AFTER), RetryAfter.parse("Infinity", NOW));
        assertEquals(Optional.of(Limits.MAX_RETRY_AFTER), RetryAfter.parse("99999999999999999999999", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfter.parse("Fri, 04 Dec 2026 12:01:30 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Fri, 04 Dec 2026 11:00:00 GMT", NOW));
        assertEquals(Optional.of(Limits.MAX_RETRY_AFTER), RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", NOW));
        for (String bad : new String[]{"-1", "NaN", "soon", "", null}) {
            assertEquals(Optional.empty(), RetryAfter.parse(bad, NOW), bad);
        }
    }

    @Test
    void headerSecondsRoundUpAndNeverOverflow() {
        assertEquals(2, RetryAfter.headerSeconds(Duration.ofMillis(1001), 1));
        assertEquals(1, RetryAfter.headerSeconds(Duration.ZERO, 1));
        assertEquals(3600, RetryAfter.headerSeconds(Duration.ofSeconds(Long.MAX_VALUE), 1));
        assertEquals(3600, RetryAfter.headerSeconds(Duration.ofMillis(Long.MAX_VALUE), 1));
    }
}
