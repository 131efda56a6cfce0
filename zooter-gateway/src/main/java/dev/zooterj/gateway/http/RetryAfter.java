package dev.zooterj.gateway.http;

import dev.zooterj.gateway.Limits;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads a {@code Retry-After} header: seconds ({@code 120}, fractions accepted) or an HTTP-date. The wait is clamped to
 * {@link Limits#MAX_RETRY_AFTER}, so a value too large to represent ({@code 1e30}, {@code Infinity}) asks for the
 * maximum rather than overflowing into a short or negative wait. A date in the past is a wait of 0; anything else
 * (negative, NaN, text) is no Retry-After.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static Optional<Duration> parse(String header) {
        return parse(header, Clock.systemUTC());
    }

    static Optional<Duration> parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.strip();
        try {
            double s = Double.parseDouble(v);
            if (Double.isNaN(s) || s < 0) {
                return Optional.empty();
            }
            return Optional.of(s >= Limits.MAX_RETRY_AFTER.toSeconds() ? Limits.MAX_RETRY_AFTER
                    : Duration.ofMillis(Math.round(s * 1000)));
        } catch (NumberFormatException e) {
            // not seconds: maybe a date
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : clamp(d));
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** A wait no longer than {@link Limits#MAX_RETRY_AFTER} and not negative. */
    public static Duration clamp(Duration d) {
        return d.isNegative() ? Duration.ZERO : d.compareTo(Limits.MAX_RETRY_AFTER) > 0 ? Limits.MAX_RETRY_AFTER : d;
    }

    /** Whole seconds to put in a Retry-After header: {@code d} rounded up, clamped, at least {@code min}. */
    public static long headerSeconds(Duration d, long min) {
        Duration c = clamp(d);
        long s = c.getSeconds() + (c.getNano() > 0 ? 1 : 0);
        return Math.max(min, s);
    }
}
