package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.gateway.secrets.Redactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

/**
 * The append-only record of a collect run: one JSON line per finished step, durable (written and fsynced) before
 * {@link #append} returns. The first line is a {@link Header} describing what the run was for; then come
 * {@link Answer}, {@link Reward} and {@link Tags} entries in the order they finished.
 *
 * <p>Every entry carries the keys that make it valid (query text hash, backend name and model, generation settings,
 * scorer or tagger identity, answer hash), so an entry is only ever reused for exactly what it was made for.
 *
 * <p>Opening replays every entry. A crash can leave the last line half-written. Such a torn final line is cut off and
 * counted in {@link Replay#tornLines()}, but only in a file whose first line is a journal header: any other non-empty
 * file (a dataset, a queries file, a one-line JSON config named by mistake) is refused and left untouched. A bad line
 * anywhere else is corruption and an error naming the file, the line, the field and what is wrong (see
 * {@link JournalEntries}); so is an entry the replay refuses ({@link InvalidEntryException}, e.g. a reward outside the
 * judge's range). A journal whose header differs from this run's is refused unless reuse is asked for; then a new
 * header is appended. The file is locked while open, so two runs cannot write one journal.
 *
 * <p>Every line is written through {@link Redactor#global()}: no key the process holds reaches the file.
 *
 * <p>Writes go through one private writer thread that groups concurrent entries into one fsync. Worker threads are
 * never the ones blocked in file I/O, so interrupting a worker cannot close the journal's channel.
 */
public final class Journal implements AutoCloseable {
    /**
     * Thrown by a replay consumer for an entry that parses but cannot be used (a reward outside the scorer's range);
     * {@link #open} reports it with the journal's file and line.
     */
    public static final class InvalidEntryException extends RuntimeException {
        public InvalidEntryException(String problem) {
            super(problem);
        }
    }

    /** What a journal's first line starts with; only a file that starts so is ever repaired (a torn line cut off). */
    static final String HEADER_START = "{\"type\":\"header\"";

    /** The format version written in headers. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** One line of the journal. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = Header.class, name = "header"),
            @JsonSubTypes.Type(value = Answer.class, name = "answer"),
            @JsonSubTypes.Type(value = Reward.class, name = "reward"),
            @JsonSubTypes.Type(value = Tags.class, name = "tags")})
    public sealed interface Entry permits Header, Answer, Reward, Tags {
    }

    /**
     * What a run is for.
     *
     * @param queries    fingerprint of the queries (ids and the messages sent), see {@link CollectQuery#fingerprint}
     * @param backends   candidate name to model id, in file order
     * @param scorer     the reward scorer's identity
     * @param tagger     the tagger's identity, or null for none
     * @param generation the generation settings
     */
    public record Header(int version, String queries, int queryCount, Map<String, String> backends, String scorer,
                         String tagger, String generation) implements Entry {
        /** What differs from {@code journal} (the header found in the file), one phrase each; empty when alike. */
        public List<String> differencesFrom(Header journal) {
            List<String> out = new ArrayList<>();
            if (journal.version != version) {
                out.add("journal format version " + journal.version + ", expected " + version);
            }
            if (!Objects.equals(journal.queries, queries)) {
                out.add("the queries differ (journal: " + journal.queryCount + " queries, now " + queryCount + ")");
            }
            for (String name : new TreeSet<>(union(journal.backends, backends))) {
                String was = journal.backends.get(name);
                String now = backends.get(name);
                if (was == null) {
                    out.add("backend '" + name + "' is new");
                } else if (now == null) {
                    out.add("backend '" + name + "' is gone");
                } else if (!was.equals(now)) {
                    out.add("backend '" + name + "' was model " + was + ", now " + now);
                }
            }
            compare(out, "reward scorer", journal.scorer, scorer);
            compare(out, "tagger", journal.tagger, tagger);
            compare(out, "generation settings", journal.generation, generation);
            return out;
        }

        private static List<String> union(Map<String, String> a, Map<String, String> b) {
            List<String> u = new ArrayList<>(a.keySet());
            u.addAll(b.keySet());
            return u;
        }

        private static void compare(List<String> out, String what, String was, String now) {
            if (!Objects.equals(was, now)) {
                out.add(what + " was " + (was == null ? "none" : was) + ", now " + (now == null ? "none" : now));
            }
        }
    }

    /**
     * A candidate's answer.
     *
     * @param query            hash of the messages sent ({@link CollectQuery#hash()})
     * @param promptTokens     usage.prompt_tokens, -1 when the backend sent none
     * @param completionTokens usage.completion_tokens, -1 when the backend sent none
     */
    public record Answer(String id, String query, String backend, String model, String generation, String answer,
                         String finishReason, long promptTokens, long completionTokens, long latencyMs, int attempts)
            implements Entry {
    }

    /**
     * The reward of one answer.
     *
     * @param answer hash of the scored answer text ({@link CollectQuery#hash(String)})
     * @param detail what the scorer said, e.g. the judge's reply (for audits), or null
     */
    public record Reward(String id, String backend, String answer, String scorer, double reward, String detail)
            implements Entry {
    }

    /** The tagger's tags for one query. */
    public record Tags(String id, String query, String tagger, List<String> tags) implements Entry {
    }

    /**
     * What opening found.
     *
     * @param created     the journal was new (or empty)
     * @param entries     entries replayed (headers not counted)
     * @param tornLines   1 when a half-written last line (a crash mid-write) was cut off, else 0
     * @param differences how the journal's settings differ from this run's (non-empty only when reuse was asked for)
     */
    public record Replay(boolean created, int entries, int tornLines, List<String> differences) {
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Replay replay;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile IOException writeFailure;
    /** Guards {@link #closed} and adding to the queue, so that nothing is queued after {@link #CLOSE}. */
    private final Object queueLock = new Object();
    private boolean closed;
    private long end;

    private record Pending(byte[] line, CompletableFuture<Long> offset) {
    }

    private static final Pending CLOSE = new Pending(new byte[0], null);

    private Journal(Path file, FileChannel channel, FileLock lock, long end, Replay replay) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.end = end;
        this.replay = replay;
        this.writer = new Thread(this::writeLoop, "journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens (or creates) a journal, passing every entry and its byte offset to {@code replay}, in file order.
     *
     * @param header     this run's header
     * @param reuseOther accept a journal whose header differs (append this header and go on)
     * @throws IllegalStateException when the journal is corrupt, locked by another run, or written for other settings
     *                               and {@code reuseOther} is false; the message names the file, the line and the cause
     */
    public static Journal open(Path file, Header header, boolean reuseOther, BiConsumer<Entry, Long> replay)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean ok = false;
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("journal " + file + " is in use by another collect run");
            }
            header = (Header) JSON.readValue(line(header), Entry.class);  // as written: redacted
            Scan scan = scan(file, ch, replay);
            Replay r;
            if (scan.lastHeader == null) {
                r = new Replay(true, 0, scan.torn, List.of());
                scan.end = write(ch, scan.end, line(header));
            } else {
                List<String> diff = header.differencesFrom(scan.lastHeader);
                if (!diff.isEmpty() && !reuseOther) {
                    throw new IllegalStateException("journal " + file + " was written for other settings: "
                            + String.join("; ", diff) + ". Reuse it (--reuse-journal keeps what still matches and "
                            + "redoes the rest) or choose another journal");
                }
                if (!diff.isEmpty()) {
                    scan.end = write(ch, scan.end, line(header));
                }
                r = new Replay(false, scan.entries, scan.torn, diff);
            }
            ch.force(false);
            Journal j = new Journal(file, ch, lock, scan.end, r);
            ok = true;
            return j;
        } finally {
            if (!ok) {
                ch.close();
            }
        }
    }

    private static final class Scan {
        Header lastHeader;
        int entries;
        int torn;
        long end;
    }

    private static Scan scan(Path file, FileChannel ch, BiConsumer<Entry, Long> replay) throws IOException {
        Scan s = new Scan();
        long size = ch.size();
        InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(ch.position(0)), 1 << 16);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long offset = 0;
        long lineNo = 0;
        while (offset < size) {
            buf.reset();
            long start = offset;
            int b;
            boolean newline = false;
            while ((b = in.read()) >= 0) {
                offset++;
                if (b == '\n') {
                    newline = true;
                    break;
                }
                buf.write(b);
            }
            lineNo++;
            String text = buf.toString(StandardCharsets.UTF_8);
            if (text.isBlank()) {
                continue;
            }
            Entry e;
            try {
                e = JournalEntries.parse(JSON, text);
            } catch (JournalEntries.Unreadable ex) {
                boolean ours = s.lastHeader != null || text.startsWith(HEADER_START);
                if (offset >= size && !newline && ours) {
                    // The last line, half-written when a run died: drop it, the step it recorded is redone.
                    ch.truncate(start);
                    s.torn = 1;
                    s.end = start;
                    return s;
                }
                if (!ours) {
                    throw notAJournal(file, lineNo);
                }
                throw new IllegalStateException(file + ":" + lineNo + ": not a journal entry (and not a half-written "
                        + "last line, so not an interrupted write): " + ex.getMessage());
            } catch (JournalEntries.Invalid ex) {
                if (s.lastHeader == null && !text.startsWith(HEADER_START)) {
                    throw notAJournal(file, lineNo);
                }
                throw new IllegalStateException(file + ":" + lineNo + ": " + ex.getMessage());
            }
            if (e instanceof Header h) {
                s.lastHeader = h;
            } else if (s.lastHeader == null) {
                throw notAJournal(file, lineNo);
            } else {
                s.entries++;
                try {
                    replay.accept(e, start);
                } catch (InvalidEntryException ex) {
                    throw new IllegalStateException(file + ":" + lineNo + ": " + ex.getMessage());
                }
            }
            if (!newline) {
                // A complete entry whose newline was not written: finish the line before appending.
                offset = write(ch, offset, new byte[]{'\n'});
            }
        }
        s.end = offset;
        return s;
    }

    private static IllegalStateException notAJournal(Path file, long lineNo) {
        return new IllegalStateException(file + ":" + lineNo + ": not a collect journal (a journal starts with a header "
                + "line " + HEADER_START + ",...}); refusing to use or change it. Name another file with --journal, or "
                + "delete this one if it really is a journal you no longer need");
    }

    private static byte[] line(Entry e) {
        try {
            return (Redactor.redact(JSON.writeValueAsString(e)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static long write(FileChannel ch, long at, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
        return pos;
    }

    public Path file() {
        return file;
    }

    /** What opening found. */
    public Replay replay() {
        return replay;
    }

    /**
     * Appends an entry and returns once it is on disk (written and fsynced), with its byte offset. If the calling
     * thread is interrupted while waiting, the entry is still written.
     */
    public long append(Entry e) throws IOException, InterruptedException {
        if (e instanceof Header) {
            throw new IllegalArgumentException("headers are written by open()");
        }
        Pending p = new Pending(line(e), new CompletableFuture<>());
        synchronized (queueLock) {
            if (closed) {
                throw new IOException("journal " + file + " is closed");
            }
            queue.add(p);
        }
        try {
            return p.offset.get();
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof IOException io) {
                throw new IOException("cannot write journal " + file + ": " + io.getMessage(), io);
            }
            throw new IllegalStateException(ex.getCause());
        }
    }

    private void writeLoop() {
        try {
            writeUntilClosed();
        } finally {
            // Whatever ended the writer, no append may wait for it: refuse new entries and fail the queued ones.
            List<Pending> left = new ArrayList<>();
            synchronized (queueLock) {
                closed = true;
                queue.drainTo(left);
            }
            IOException gone = new IOException("journal closed");
            left.forEach(p -> {
                if (p.offset != null) {
                    p.offset.completeExceptionally(gone);
                }
            });
        }
    }

    private void writeUntilClosed() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            boolean close = batch.remove(CLOSE);
            long[] offsets = new long[batch.size()];
            try {
                if (writeFailure != null) {
                    throw writeFailure;
                }
                for (int i = 0; i < batch.size(); i++) {
                    offsets[i] = end;
                    end = write(channel, end, batch.get(i).line);
                }
                if (!batch.isEmpty()) {
                    channel.force(false);
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).offset.complete(offsets[i]);
                }
            } catch (IOException e) {
                writeFailure = e;
                batch.forEach(p -> p.offset.completeExceptionally(e));
            }
            batch.clear();
            if (close) {
                return;
            }
        }
    }

    /** Opens a reader of answer entries by offset (a separate read-only handle, for one thread). */
    public AnswerReader answers() throws IOException {
        return new AnswerReader(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Reads back answer entries by the offsets that {@link #append} and replay gave. */
    public static final class AnswerReader implements AutoCloseable {
        private final FileChannel ch;
        private final ByteBuffer chunk = ByteBuffer.allocate(8192);

        private AnswerReader(FileChannel ch) {
            this.ch = ch;
        }

        public Answer at(long offset) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            long pos = offset;
            int nl = -1;
            while (nl < 0) {
                chunk.clear();
                int n = ch.read(chunk, pos);
                if (n <= 0) {
                    break;
                }
                pos += n;
                for (int i = 0; i < n && nl < 0; i++) {
                    if (chunk.get(i) == '\n') {
                        nl = i;
                    }
                }
                buf.write(chunk.array(), 0, nl < 0 ? n : nl);
            }
            if (JSON.readValue(buf.toByteArray(), Entry.class) instanceof Answer a) {
                return a;
            }
            throw new IllegalStateException("journal offset " + offset + " holds no answer");
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /**
     * Finishes the writes already queued, then releases the lock and closes the file. An {@link #append} that comes
     * later fails with an IOException. Closing twice does nothing.
     */
    @Override
    public void close() throws IOException {
        synchronized (queueLock) {
            if (!closed) {
                closed = true;
                queue.add(CLOSE);
            }
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true; // the writer finishes in moments; closing the channel under it would fail its entries
            }
        }
        try {
            if (channel.isOpen()) {
                try {
                    lock.release();
                } finally {
                    channel.close();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
