package dev.zooterj.gateway.secrets;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What reaches a real logging backend (logback) through a {@link RedactingLogger}. */
class RedactingLoggerTest {
    private static final String KEY = "sk-log0123456789abcdefXYZwxyz";

    @Test
    void messagesArgumentsAndExceptionsAreRedactedBeforeTheBackendSeesThem() {
        Logger real = (Logger) LoggerFactory.getLogger("redacting-logger-test");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        real.addAppender(seen);
        try {
            Redactor r = new Redactor();
            r.addSecret(KEY);
            org.slf4j.Logger log = RedactingLogger.over(real, r);
            log.warn("backend said {} and {}", "Incorrect API key provided: " + KEY, KEY.substring(0, 7) + "...wxyz");
            log.info("plain " + KEY);
            log.debug("below the level: {}", KEY);
            log.error("failed", new IllegalStateException("outer " + KEY, new IOException("inner " + KEY)));

            assertEquals(3, seen.list.size(), "the level still filters (debug is off)");
            assertEquals("backend said Incorrect API key provided: [REDACTED] and [REDACTED]",
                    seen.list.get(0).getFormattedMessage());
            assertEquals("plain [REDACTED]", seen.list.get(1).getFormattedMessage());
            String trace = ThrowableProxyUtil.asString(seen.list.get(2).getThrowableProxy());
            assertTrue(trace.contains("IllegalStateException: outer [REDACTED]"), trace);
            assertTrue(trace.contains("IOException: inner [REDACTED]"), trace);
            for (ILoggingEvent e : seen.list) {
                assertFalse(e.getFormattedMessage().contains(KEY));
                assertEquals("redacting-logger-test", e.getLoggerName());
            }
            assertFalse(trace.contains(KEY), trace);
        } finally {
            real.detachAppender(seen);
        }
    }
}
