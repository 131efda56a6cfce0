package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.DatasetFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecontaminatorTest {
    @TempDir
    Path dir;

    private static final String BENCHMARK = "Explain why the quick brown fox jumps over the lazy dog in this sentence.";

    private static RewardRecord row(String id, String query, String split) {
        return new RewardRecord(id, query, null, List.of(), null, split, new double[]{1, 0}, null, null);
    }

    private static RewardDataset data(RewardRecord... rows) {
        return new RewardDataset(List.of("a", "b"), List.of(rows));
    }

    private static List<String> ids(RewardDataset d) {
        return d.records().stream().map(RewardRecord::id).toList();
    }

    @Test
    void dropsAPlantedSixGramWhateverTheCaseAndPunctuationAroundIt() {
        Decontaminator d = new Decontaminator(6, List.of(new Decontaminator.EvaluationSet("bench", List.of(BENCHMARK))));
        RewardDataset train = data(
                row("planted", "Rewrite: «THE QUICK, brown-fox... Jumps OVER!» — then stop", null),
                row("five-gram", "my quick brown fox jumps over a cat", null), // shares "quick brown fox jumps over" only
                row("clean", "Write a haiku about autumn leaves falling on a quiet pond", null));
        Decontaminator.Result r = d.apply(train);
        assertEquals(List.of("five-gram", "clean"), ids(r.dataset()));
        assertEquals(List.of("planted"), r.report().droppedIds());
        assertEquals(3, r.report().rowsChecked());
        assertEquals(1, r.report().rowsDropped());
        assertEquals(2, r.report().rowsKept());
        assertEquals(List.of("bench"), d.overlappingSets("the quick brown fox jumps over"));
        assertEquals(List.of(), d.overlappingSets("quick brown fox jumps over"));
    }

    @Test
    void countsOverlapsPerEvaluationSetAndARowOverlappingTwoSetsInBoth() {
        Decontaminator d = new Decontaminator(3, List.of(
                new Decontaminator.EvaluationSet("first", List.of("alpha beta gamma delta", "one two three")),
                new Decontaminator.EvaluationSet("second", List.of("epsilon zeta eta theta", "x y"))));
        RewardDataset train = data(
                row("both", "alpha beta gamma and epsilon zeta eta", "train"),
                row("first-only", "count one two three four", "train"),
                row("second-only", "zeta eta theta", "train"),
                row("none", "alpha beta delta gamma", "train"),
                row("test-row", "alpha beta gamma delta", "test"));
        Decontaminator.Result r = d.apply(train, x -> "train".equals(x.split()));
        Decontaminator.Report rep = r.report();
        assertEquals(4, rep.rowsChecked());
        assertEquals(1, rep.rowsPassedThrough());
        assertEquals(3, rep.rowsDropped());
        assertEquals(List.of("both", "first-only", "second-only"), rep.droppedIds());
        assertEquals(List.of("none", "test-row"), ids(r.dataset()), "unchecked rows pass through even when they overlap");
        Decontaminator.SetReport first = rep.sets().get(0);
        Decontaminator.SetReport second = rep.sets().get(1);
        assertEquals("first", first.name());
        assertEquals(2, first.overlappingRows());
        assertEquals(2, second.overlappingRows());
        assertEquals(2, first.queries());
        assertEquals(0, first.tooShort());
        assertEquals(1, second.tooShort(), "'x y' has no 3-gram");
        assertEquals(2 + 1, first.distinctNgrams());
    }

    @Test
    void queriesShorterThanNWordsContributeNoNgrams() {
        Decontaminator d = new Decontaminator(6, List.of(new Decontaminator.EvaluationSet("bench",
                List.of("What is two plus two?", BENCHMARK))));
        RewardDataset train = data(row("same-short", "what is two plus two", null), row("long", "nothing in common at all with it", null));
        Decontaminator.Result r = d.apply(train);
        assertEquals(0, r.report().rowsDropped(), "an identical 5-word query is below the 6-gram threshold");
        assertEquals(1, r.report().rowsTooShort());
        assertEquals(1, r.report().sets().get(0).tooShort());
    }

    @Test
    void rejectsNgramBelowOneAndNoEvaluationSets() {
        List<Decontaminator.EvaluationSet> sets = List.of(new Decontaminator.EvaluationSet("e", List.of("a b c")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Decontaminator(0, sets));
        assertTrue(e.getMessage().contains("n-gram length must be >= 1, got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Decontaminator(-3, sets));
        assertThrows(IllegalArgumentException.class, () -> new Decontaminator(6, List.of()));
    }

    @Test
    void ngramHashesFollowTheNormalisedWordsAndTheirOrder() {
        long[] a = Decontaminator.ngramHashes(TextNormalizer.words("The Quick brown FOX, jumps."), 3);
        long[] b = Decontaminator.ngramHashes(TextNormalizer.words("the quick -- brown fox jumps"), 3);
        assertEquals(3, a.length);
        assertArrayEquals(a, b);
        long[] swapped = Decontaminator.ngramHashes(List.of("quick", "the", "brown"), 3);
        assertNotEquals(a[0], swapped[0], "word order matters");
        assertEquals(0, Decontaminator.ngramHashes(List.of("a", "b"), 3).length);
        // word boundaries matter: "ab c" is not "a bc"
        assertNotEquals(Decontaminator.ngramHashes(List.of("ab", "c"), 2)[0], Decontaminator.ngramHashes(List.of("a", "bc"), 2)[0]);
        // word hashes are 64-bit: String.hashCode collisions ("Aa" / "BB") stay apart
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertNotEquals(Decontaminator.wordHash("aa"), Decontaminator.wordHash("bb"));
        assertNotEquals(Decontaminator.wordHash("Aa"), Decontaminator.wordHash("BB"));
    }

    @Test
    void noHashCollisionsAmongManyDistinctNgrams() {
        // 200k distinct 2-grams over a 1000-word vocabulary: a weak hash would collide here
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            vocab.add("w" + i);
        }
        LongHashSet seen = new LongHashSet(200_000);
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 200; j++) {
                seen.add(Decontaminator.ngramHashes(List.of(vocab.get(i), vocab.get(j)), 2)[0]);
            }
        }
        assertEquals(200_000, seen.size());
    }

    @Test
    void readsPlainQueryFilesAndDatasetFiles() throws IOException {
        Path plain = dir.resolve("alpaca.jsonl");
        Files.writeString(plain, """
                {"id": 1, "instruction": "Tell me why the quick brown fox jumps over the lazy dog"}
                {"id": "c", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello there"}]}
                """);
        Decontaminator.EvaluationSet set = Decontaminator.EvaluationSet.read(plain);
        assertEquals(plain.toString(), set.name());
        assertEquals(List.of("Tell me why the quick brown fox jumps over the lazy dog", "hello there"), set.queries());

        Path dataset = dir.resolve("test.jsonl");
        Files.writeString(dataset, "{\"id\": \"t1\", \"query\": \"q text\", \"tags\": [], \"rewards\": {\"a\": 1, \"b\": 0}}\n");
        assertEquals(List.of("q text"), Decontaminator.EvaluationSet.read(dataset).queries());
    }

    @Test
    void aMissingOrBadEvaluationFileIsNamed() throws IOException {
        Path missing = dir.resolve("nope.jsonl");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Decontaminator.EvaluationSet.read(missing));
        assertTrue(e.getMessage().contains("nope.jsonl") && e.getMessage().contains("not found"), e.getMessage());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": \"x\", \"query\": \"ok\"}\n{\"id\": \"y\"}\n");
        e = assertThrows(DatasetFormatException.class, () -> Decontaminator.EvaluationSet.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ":2: field 'query'"), e.getMessage());
    }

    @Test
    void rowsKeepTheirOrderAndUncheckedRowsAreUntouched() {
        Decontaminator d = new Decontaminator(2, List.of(new Decontaminator.EvaluationSet("e", List.of("red apple"))));
        RewardRecord[] rows = new RewardRecord[6];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = row("r" + i, i % 2 == 0 ? "a red apple " + i : "green pear " + i, i < 4 ? "train" : "test");
        }
        Decontaminator.Result r = d.apply(data(rows), x -> "train".equals(x.split()));
        assertEquals(List.of("r1", "r3", "r4", "r5"), ids(r.dataset()));
        assertEquals(rows[4], r.dataset().records().get(2));
        assertFalse(r.dataset().records().contains(rows[0]));
    }
}
