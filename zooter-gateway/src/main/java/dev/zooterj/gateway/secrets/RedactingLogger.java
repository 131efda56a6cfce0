package dev.zooterj.gateway.secrets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that passes every message, and every exception's message down its causes, through
 * {@link Redactor#global()} before the real logger sees it. The gateway's classes log through it, so a backend's
 * error text that echoes a key is logged without the key whatever logging backend the application uses.
 */
public final class RedactingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient Logger delegate;
    private final transient Redactor redactor;

    RedactingLogger(Logger delegate, Redactor redactor) {
        this.delegate = delegate;
        this.redactor = redactor;
        this.name = delegate.getName();
    }

    /** The logger for {@code type}, redacting with the process's redactor. */
    public static Logger of(Class<?> type) {
        return new RedactingLogger(LoggerFactory.getLogger(type), Redactor.global());
    }

    /** A logger over {@code delegate} that redacts with {@code redactor} (tests). */
    public static Logger over(Logger delegate, Redactor redactor) {
        return new RedactingLogger(delegate, redactor);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        String message = redactor.apply(MessageFormatter.basicArrayFormat(pattern, args));
        var event = delegate.atLevel(level).setMessage(message);
        if (marker != null) {
            event = event.addMarker(marker);
        }
        if (t != null) {
            event = event.setCause(RedactedThrowable.of(t, redactor));
        }
        event.log();
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }
}
