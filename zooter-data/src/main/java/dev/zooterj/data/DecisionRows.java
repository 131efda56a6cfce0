package dev.zooterj.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.zooterj.core.routing.RoutingDecision;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The decisions JSONL that {@code zooter route --in/--out} writes, one row per query:
 * {@code {"id": ..., "model": ..., "distribution": {model: p, ...}, "entropy": ...}}. Shared with the Spark jobs, whose
 * part files hold exactly these rows.
 */
public final class DecisionRows {
    /**
     * Queries per {@code Router.route(List)} call when a file is routed. An encoder batches and pads a call's texts
     * together and its outputs move in the last bits with their batch-mates, so whoever must reproduce a file's rows
     * bit for bit (the Spark route job) routes the same consecutive chunks of this many queries.
     */
    public static final int CHUNK = 256;

    private static final JsonFactory JSON = new JsonFactory();

    private DecisionRows() {
    }

    /** Writes one row (without the line break). */
    public static void write(JsonGenerator g, String id, RoutingDecision d) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("model", d.model());
        g.writeObjectFieldStart("distribution");
        for (Map.Entry<String, Double> e : d.distributionByModel().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("entropy", d.entropy());
        g.writeEndObject();
    }

    /** One row as a string (without the line break). */
    public static String line(String id, RoutingDecision d) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            write(g, id, d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
