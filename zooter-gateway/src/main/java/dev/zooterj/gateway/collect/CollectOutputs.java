package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.secrets.Redactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Writes a finished run's files from its state and journal, each atomically. */
final class CollectOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<CollectQuery> queries;
    private final List<Backend> candidates;
    private final Collector.Pair[][] pairs;
    private final List<String>[] taggerTags;
    private final boolean tagging;

    CollectOutputs(List<CollectQuery> queries, List<Backend> candidates, Collector.Pair[][] pairs,
                   List<String>[] taggerTags, boolean tagging) {
        this.queries = queries;
        this.candidates = candidates;
        this.pairs = pairs;
        this.taggerTags = taggerTags;
        this.tagging = tagging;
    }

    /**
     * The dataset: one row per query whose pairs are all scored (and tagged, with a tagger), in query order. Models are
     * the candidates in file order. Tags are the input's plus the tagger's. Cost is each answer's token usage priced
     * by its backend: written when every candidate has a price and the row's answers all came with usage, otherwise
     * left out (with a note). Returns the rows written; with none, no file is written (the contract needs a row).
     */
    int writeDataset(Path file, List<String> notes) {
        List<String> unpriced = candidates.stream().filter(b -> b.pricePer1kOutput() == null && b.pricePer1kInput() == null)
                .map(Backend::name).toList();
        if (!unpriced.isEmpty()) {
            notes.add("cost left out: no price for " + String.join(", ", unpriced)
                    + " (set pricePer1kOutputTokens / pricePer1kInputTokens in the backends file)");
        }
        List<RewardRecord> rows = new ArrayList<>();
        int withoutUsage = 0;
        for (int q = 0; q < queries.size(); q++) {
            if (!complete(q)) {
                continue;
            }
            CollectQuery query = queries.get(q);
            double[] rewards = new double[candidates.size()];
            double[] cost = unpriced.isEmpty() ? new double[candidates.size()] : null;
            for (int b = 0; b < candidates.size(); b++) {
                Collector.Pair p = pairs[q][b];
                rewards[b] = p.reward;
                if (cost != null && (p.promptTokens < 0 || p.completionTokens < 0)) {
                    cost = null;
                    withoutUsage++;
                } else if (cost != null) {
                    cost[b] = candidates.get(b).cost(p.promptTokens, p.completionTokens);
                }
            }
            Set<String> tags = new LinkedHashSet<>(query.tags());
            if (taggerTags[q] != null) {
                tags.addAll(taggerTags[q]);
            }
            rows.add(new RewardRecord(query.id(), query.text(), query.messages(), List.copyOf(tags), query.subset(),
                    query.split(), rewards, null, cost));
        }
        if (withoutUsage > 0) {
            notes.add("cost left out on " + withoutUsage + " row(s): a backend sent no token usage");
        }
        if (rows.isEmpty()) {
            notes.add("no query is complete: " + file + " not written (a dataset needs at least one row)");
            return 0;
        }
        RewardDatasetWriter.write(new RewardDataset(candidates.stream().map(Backend::name).toList(), rows), file);
        return rows.size();
    }

    private boolean complete(int q) {
        if (tagging && taggerTags[q] == null) {
            return false;
        }
        for (Collector.Pair p : pairs[q]) {
            if (p.reward == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every answer the journal holds for this run's queries and candidates, in query then candidate order, read back
     * from the journal: {@code {"id", "model", "answer", "finishReason", "usage": {"prompt_tokens",
     * "completion_tokens"}, "latencyMs", "reward"}}; {@code reward} is absent for an answer not scored yet.
     */
    void writeAnswers(Path file, Journal journal) throws IOException {
        try (Journal.AnswerReader reader = journal.answers()) {
            AtomicFiles.write(file, out -> {
                try (JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                    g.setRootValueSeparator(null);
                    for (int q = 0; q < queries.size(); q++) {
                        for (int b = 0; b < candidates.size(); b++) {
                            Collector.Pair p = pairs[q][b];
                            if (p.offset < 0) {
                                continue;
                            }
                            Journal.Answer a = reader.at(p.offset);
                            g.writeStartObject();
                            g.writeStringField("id", a.id());
                            g.writeStringField("model", a.backend());
                            g.writeStringField("answer", a.answer());
                            g.writeStringField("finishReason", a.finishReason());
                            g.writeObjectFieldStart("usage");
                            g.writeNumberField("prompt_tokens", a.promptTokens());
                            g.writeNumberField("completion_tokens", a.completionTokens());
                            g.writeEndObject();
                            g.writeNumberField("latencyMs", a.latencyMs());
                            if (p.reward != null) {
                                g.writeNumberField("reward", p.reward);
                            }
                            g.writeEndObject();
                            g.writeRaw('\n');
                        }
                    }
                }
            });
        }
    }

    /** The failures as JSONL, or no file at all when there are none (a stale file from an earlier run is removed). */
    static void writeFailures(Path file, List<CollectFailure> failures) {
        if (failures.isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
            }
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (CollectFailure f : failures) {
            var n = JSON.createObjectNode().put("id", f.queryId());
            if (f.backend() != null) {
                n.put("model", f.backend());
            }
            n.put("step", f.step().name().toLowerCase(java.util.Locale.ROOT)).put("reason", f.reason()).put("attempts", f.attempts());
            sb.append(n).append('\n');
        }
        AtomicFiles.writeString(file, Redactor.redact(sb.toString()));
    }
}
