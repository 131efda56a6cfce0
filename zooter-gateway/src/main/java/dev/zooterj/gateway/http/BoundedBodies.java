package dev.zooterj.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reading a backend's answer without trusting its size: a body handler that stops at a limit, and a line reader for
 * event streams that stops at a limit per line. Whatever a backend sends, what is held in memory is bounded.
 */
public final class BoundedBodies {
    private BoundedBodies() {
    }

    /** A body, or one line of one, went past its limit; reading stopped there. */
    public static final class TooLarge extends IOException {
        final long limit;

        TooLarge(long limit, String what) {
            super(what + " is larger than the limit of " + limit + " bytes");
            this.limit = limit;
        }
    }

    /** The {@link TooLarge} that caused {@code e}, if one did (an HTTP client wraps what its body handler fails with). */
    public static TooLarge cause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TooLarge t) {
                return t;
            }
        }
        return null;
    }

    /**
     * A handler for a whole body: a 2xx answer over {@code maxOk} bytes fails with {@link TooLarge} as soon as that is
     * known (its Content-Length, or the bytes so far), and the connection is dropped instead of read on; an error
     * status's body is cut to {@code maxError} bytes (enough for any error object) and kept.
     */
    public static HttpResponse.BodyHandler<byte[]> handler(long maxOk, int maxError) {
        return info -> {
            boolean ok = info.statusCode() / 100 == 2;
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new Capped(ok ? maxOk : maxError, !ok, ok && declared > maxOk);
        };
    }

    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final boolean truncate;
        private final boolean declaredTooLarge;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Capped(long limit, boolean truncate, boolean declaredTooLarge) {
            this.limit = limit;
            this.truncate = truncate;
            this.declaredTooLarge = declaredTooLarge;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declaredTooLarge) {
                s.cancel();
                body.completeExceptionally(new TooLarge(limit, "the answer (by its Content-Length)"));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                long room = limit - bytes.size();
                if (b.remaining() > room) {
                    subscription.cancel();
                    if (truncate) {
                        byte[] part = new byte[(int) room];
                        b.get(part);
                        bytes.write(part, 0, part.length);
                        body.complete(bytes.toByteArray());
                    } else {
                        body.completeExceptionally(new TooLarge(limit, "the answer"));
                    }
                    return;
                }
                byte[] part = new byte[b.remaining()];
                b.get(part);
                bytes.write(part, 0, part.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }
    }

    /** Reads all of {@code in}, or fails with {@link TooLarge} past {@code limit} bytes (having read one more). */
    static byte[] readAll(InputStream in, long limit) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (b.length > limit) {
            throw new TooLarge(limit, "the answer");
        }
        return b;
    }

    /**
     * UTF-8 lines ended by {@code \n} (a {@code \r} before it is dropped), each at most {@code maxLine} bytes: a longer
     * one fails with {@link TooLarge} once that many bytes have come without a line end.
     */
    static final class LineReader {
        private final InputStream in;
        private final int maxLine;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineReader(InputStream in, int maxLine) {
            this.in = in;
            this.maxLine = maxLine;
        }

        /** The next line without its end, or null at the end of the stream (a last line without {@code \n} counts). */
        String readLine() throws IOException {
            line.reset();
            while (true) {
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        return line.size() == 0 ? null : text();
                    }
                }
                int start = pos;
                while (pos < end && buf[pos] != '\n') {
                    pos++;
                }
                if (line.size() + (pos - start) > maxLine) {
                    throw new TooLarge(maxLine, "a stream event");
                }
                line.write(buf, start, pos - start);
                if (pos < end) {
                    pos++;  // the '\n'
                    return text();
                }
            }
        }

        private String text() {
            byte[] b = line.toByteArray();
            int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }
    }
}
