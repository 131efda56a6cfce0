package dev.zooterj.gateway.secrets;

import java.io.IOException;
import java.io.Writer;

/**
 * A writer that passes what it is given on line by line through a {@link Redactor}: text is held until a line ends
 * ({@code \n} or {@code \r}, as progress bars end theirs) or the writer is flushed, so a key written in pieces between
 * two flushes is still seen whole. (A flush passes on a partial line, so that a progress bar shows; a key printed in
 * two pieces with a flush between them would not be recognised. Nothing here prints so.) The CLI's stdout and stderr go through one.
 */
public final class RedactingWriter extends Writer {
    private final Writer out;
    private final Redactor redactor;
    private final StringBuilder line = new StringBuilder();

    public RedactingWriter(Writer out, Redactor redactor) {
        super(out);
        this.out = out;
        this.redactor = redactor;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        synchronized (lock) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                line.append(c);
                if (c == '\n' || c == '\r') {
                    emit();
                }
            }
        }
    }

    private void emit() throws IOException {
        if (line.length() > 0) {
            out.write(redactor.apply(line.toString()));
            line.setLength(0);
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            emit();
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            emit();
            out.close();
        }
    }
}
