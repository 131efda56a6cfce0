package dev.zooterj.data;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/** Writes a dataset in the JSONL contract read by {@link RewardDatasetReader}, atomically. */
public final class RewardDatasetWriter {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private RewardDatasetWriter() {
    }

    public static void write(RewardDataset dataset, Path file) {
        AtomicFiles.write(file, out -> write(dataset, out));
    }

    public static void write(RewardDataset dataset, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            for (RewardRecord r : dataset.records()) {
                writeRecord(g, dataset.models(), r);
                g.writeRaw('\n');
            }
        }
    }

    private static void writeRecord(JsonGenerator g, List<String> models, RewardRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        if (r.messages() != null) {
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : r.messages()) {
                g.writeStartObject();
                g.writeStringField("role", m.role());
                g.writeStringField("content", m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else {
            g.writeStringField("query", r.query());
        }
        g.writeArrayFieldStart("tags");
        for (String t : r.tags()) {
            g.writeString(t);
        }
        g.writeEndArray();
        if (r.subset() != null) {
            g.writeStringField("subset", r.subset());
        }
        if (r.split() != null) {
            g.writeStringField("split", r.split());
        }
        writeVector(g, "rewards", models, r.rewards());
        writeVector(g, "scores", models, r.scores());
        writeVector(g, "cost", models, r.cost());
        g.writeEndObject();
    }

    private static void writeVector(JsonGenerator g, String field, List<String> models, double[] v) throws IOException {
        if (v == null) {
            return;
        }
        g.writeObjectFieldStart(field);
        for (int i = 0; i < models.size(); i++) {
            g.writeNumberField(models.get(i), v[i]);
        }
        g.writeEndObject();
    }
}
