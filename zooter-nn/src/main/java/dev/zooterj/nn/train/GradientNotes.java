package dev.zooterj.nn.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * SameDiff prints a line "Added differentiated op …" to {@code System.out} for every op when it first builds a graph's
 * gradients (hundreds of lines for an encoder), and no logging setting silences it (STACK.md, pitfall 3).
 * {@link #quietly} runs a call with those lines dropped; every other line passes to the original stream unchanged.
 */
public final class GradientNotes {
    static final String PREFIX = "Added differentiated op ";
    private static final Object LOCK = new Object();

    private GradientNotes() {
    }

    /** {@code call}, with SameDiff's per-op gradient lines on {@code System.out} dropped. */
    public static <T> T quietly(Supplier<T> call) {
        synchronized (LOCK) {
            PrintStream original = System.out;
            LineFilter filter = new LineFilter(original);
            System.setOut(new PrintStream(filter, true, StandardCharsets.UTF_8));
            try {
                return call.get();
            } finally {
                System.out.flush();
                System.setOut(original);
                filter.flushPartial();
            }
        }
    }

    /** Passes whole lines to {@code target}, except those that start with {@link #PREFIX}. */
    static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void emit() {
            byte[] bytes = line.toByteArray();
            line.reset();
            if (!new String(bytes, StandardCharsets.UTF_8).startsWith(PREFIX)) {
                target.write(bytes, 0, bytes.length);
                target.flush();
            }
        }

        /** A last line without its newline goes out as it is. */
        void flushPartial() {
            if (line.size() > 0) {
                emit();
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }
    }
}
