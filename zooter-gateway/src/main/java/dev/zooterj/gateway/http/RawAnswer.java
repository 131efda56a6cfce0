package dev.zooterj.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A non-streamed chat completion kept as the bytes the backend sent, for a caller that passes it on with only its
 * top-level {@code model} changed (the routing gateway): checked in one streaming pass (a JSON object, nothing after
 * it, with a {@code choices} array), never built into a tree nor written again.
 *
 * @param bytes        the answer as the backend sent it
 * @param modelStart   byte offset of the top-level {@code model} value (a string's opening quote), or -1 when absent
 * @param modelEnd     byte offset just past that value, or -1
 * @param escapes      whether the text holds a {@code \}{@code u} or {@code \/} escape: text that a JSON writer would
 *                     spell differently once decoded, so that redacting the raw text is not the same as redacting the
 *                     decoded text (the caller then decodes; see the gateway)
 * @param latencyNanos from sending the request to having the checked body
 */
public record RawAnswer(byte[] bytes, int modelStart, int modelEnd, boolean escapes, long latencyNanos) {
    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * Checks {@code body} as a chat completion and finds its top-level {@code model}.
     *
     * @throws BackendException MALFORMED: not JSON, not an object, content after it, or no {@code choices} array
     */
    static RawAnswer scan(String backend, int status, byte[] body, long latencyNanos) throws BackendException {
        int start = -1;
        int end = -1;
        boolean choices = false;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notACompletion(backend, status);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("model")) {
                    // any value: the tree path replaced whatever stood there
                    start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    p.getText();  // reads a whole string or number, so the current location is just past the value
                    end = (int) p.currentLocation().getByteOffset();
                    continue;
                } else if (name.equals("choices")) {
                    choices = v == JsonToken.START_ARRAY;
                }
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT) {
                throw notACompletion(backend, status);
            }
            if (p.nextToken() != null) {
                throw new BackendException(backend, BackendException.Kind.MALFORMED, status, null,
                        "answer has content after its JSON object", null);
            }
        } catch (JsonProcessingException e) {
            throw new BackendException(backend, BackendException.Kind.MALFORMED, status, null,
                    "answer is not JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array failed", e);
        }
        if (!choices) {
            throw notACompletion(backend, status);
        }
        if (start >= 0 && (end <= start || body[start] == '"' && body[end - 1] != '"'
                || body[start] == '{' && body[end - 1] != '}' || body[start] == '[' && body[end - 1] != ']')) {
            throw new IllegalStateException("the model value's offsets " + start + ".." + end + " do not span a value");
        }
        return new RawAnswer(body, start, end, hasEscapes(body), latencyNanos);
    }

    private static BackendException notACompletion(String backend, int status) {
        return new BackendException(backend, BackendException.Kind.MALFORMED, status, null,
                "answer is not a chat completion (no choices array)", null);
    }

    /** Whether a backslash-u or {@code \/} escape occurs (a backslash that itself is escaped does not count). */
    static boolean hasEscapes(byte[] b) {
        for (int i = 0; i < b.length - 1; i++) {
            if (b[i] == '\\') {
                byte next = b[i + 1];
                if (next == 'u' || next == '/') {
                    return true;
                }
                i++;  // skip the escaped character (\\ included)
            }
        }
        return false;
    }

    /** The answer with its top-level {@code model} set to {@code model} (added first when it had none). */
    public byte[] withModel(String model) {
        byte[] value = quoted(model);
        if (modelStart < 0) {
            int open = 0;
            while (bytes[open] != '{') {
                open++;
            }
            byte[] field = concat("\"model\":".getBytes(StandardCharsets.UTF_8), value, new byte[] {','});
            boolean empty = isEmptyObject(open);
            return splice(open + 1, open + 1, empty ? Arrays.copyOf(field, field.length - 1) : field);
        }
        return splice(modelStart, modelEnd, value);
    }

    private boolean isEmptyObject(int open) {
        int i = open + 1;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        return i < bytes.length && bytes[i] == '}';
    }

    private byte[] splice(int from, int to, byte[] insert) {
        byte[] out = new byte[bytes.length - (to - from) + insert.length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
        return out;
    }

    private static byte[] quoted(String s) {
        byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] out = new byte[inner.length + 2];
        out[0] = '"';
        System.arraycopy(inner, 0, out, 1, inner.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
