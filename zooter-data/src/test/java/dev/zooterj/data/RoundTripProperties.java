package dev.zooterj.data;

import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoundTripProperties {
    private static final List<String> MODELS = List.of("m-1", "model two", "ü3");

    @Provide
    Arbitrary<RewardDataset> datasets() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .filter(s -> !s.isBlank());
        Arbitrary<double[]> vec = Arbitraries.doubles().between(-1e6, 1e6).array(double[].class).ofSize(MODELS.size());
        Arbitrary<RewardRecord> rec = Combinators.combine(text, Arbitraries.of(true, false),
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).list().ofMaxSize(3),
                        Arbitraries.of("a", "b", null), vec, vec.injectNull(0.5), vec.injectNull(0.5))
                .as((q, chat, tags, subset, r, s, c) -> new RewardRecord("x", q,
                        chat ? List.of(new ChatMessage("system", "sys"), new ChatMessage("user", q)) : null,
                        tags, subset, null, r, s, c));
        return rec.list().ofMinSize(1).ofMaxSize(20).map(rs -> {
            List<RewardRecord> out = new ArrayList<>();
            for (int i = 0; i < rs.size(); i++) {
                RewardRecord r = rs.get(i);
                out.add(new RewardRecord("id-" + i, r.query(), r.messages(), r.tags(), r.subset(), i % 2 == 0 ? "train" : null,
                        r.rewards(), r.scores(), r.cost()));
            }
            return new RewardDataset(MODELS, out);
        });
    }

    @Property(tries = 200)
    void writeThenReadGivesTheSameDataset(@ForAll("datasets") RewardDataset data) throws IOException {
        Path dir = Files.createTempDirectory("roundtrip");
        try {
            Path f = dir.resolve("d.jsonl");
            RewardDatasetWriter.write(data, f);
            RewardDataset back = RewardDatasetReader.read(f);
            assertEquals(data.models(), back.models());
            assertEquals(data.records(), back.records());
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temp file is left behind");
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
