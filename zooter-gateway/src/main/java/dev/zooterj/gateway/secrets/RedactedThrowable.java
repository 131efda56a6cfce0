package dev.zooterj.gateway.secrets;

/**
 * A stand-in for an exception on its way to a log or a terminal: the same class name, stack trace and causes, with
 * every message redacted. {@link #toString()} reads like the original's, so a printed stack trace looks the same.
 */
public final class RedactedThrowable extends Throwable {
    private static final long serialVersionUID = 1L;
    private final String shown;

    private RedactedThrowable(String shown, Throwable cause, StackTraceElement[] trace) {
        super(shown, cause, true, true);
        this.shown = shown;
        setStackTrace(trace);
    }

    /** A redacted copy of {@code t} and its causes (at most 32 deep, so a cause loop ends). */
    public static Throwable of(Throwable t, Redactor redactor) {
        return copy(t, redactor, 0);
    }

    private static RedactedThrowable copy(Throwable t, Redactor redactor, int depth) {
        String msg = t.getLocalizedMessage();
        Throwable cause = t.getCause() != null && t.getCause() != t && depth < 32
                ? copy(t.getCause(), redactor, depth + 1) : null;
        RedactedThrowable r = new RedactedThrowable(t.getClass().getName() + (msg == null ? "" : ": " + redactor.apply(msg)),
                cause, t.getStackTrace());
        for (Throwable s : t.getSuppressed()) {
            if (depth < 32) {
                r.addSuppressed(copy(s, redactor, depth + 1));
            }
        }
        return r;
    }

    @Override
    public String toString() {
        return shown;
    }
}
