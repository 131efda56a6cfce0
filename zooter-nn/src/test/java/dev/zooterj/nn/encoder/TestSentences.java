package dev.zooterj.nn.encoder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/** The benchmark sentences of {@code encoder/sentences.txt}, tokenized by Hugging Face's own tokenizer (DJL). */
final class TestSentences {

    /** A batch padded to its longest sequence. */
    record Batch(int[][] ids, int[][] mask) {
        int size() {
            return ids.length;
        }

        int tokens() {
            int n = 0;
            for (int[] row : mask) {
                for (int m : row) {
                    n += m;
                }
            }
            return n;
        }
    }

    private TestSentences() {
    }

    static List<String> load() {
        try (InputStream in = TestSentences.class.getResourceAsStream("/encoder/sentences.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Token ids (with [CLS] and [SEP]) of each text, unpadded, truncated to 128. */
    static List<int[]> tokenize(List<String> texts) {
        try (InputStream json = TestSentences.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json");
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json,
                     Map.of("padding", "false", "truncation", "true", "maxLength", "128"))) {
            List<int[]> out = new ArrayList<>();
            for (String text : texts) {
                Encoding e = tokenizer.encode(text);
                long[] ids = e.getIds();
                long[] mask = e.getAttentionMask();
                int n = 0;
                while (n < mask.length && mask[n] == 1) {
                    n++;
                }
                int[] row = new int[n];
                for (int i = 0; i < n; i++) {
                    row[i] = Math.toIntExact(ids[i]);
                }
                out.add(row);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pads sequences [from, to) with id 0 to the longest among them. */
    static Batch pad(List<int[]> sequences, int from, int to) {
        int t = 0;
        for (int i = from; i < to; i++) {
            t = Math.max(t, sequences.get(i).length);
        }
        int[][] ids = new int[to - from][t];
        int[][] mask = new int[to - from][t];
        for (int i = from; i < to; i++) {
            int[] s = sequences.get(i);
            System.arraycopy(s, 0, ids[i - from], 0, s.length);
            for (int k = 0; k < s.length; k++) {
                mask[i - from][k] = 1;
            }
        }
        return new Batch(ids, mask);
    }

    static Batch pad(List<int[]> sequences) {
        return pad(sequences, 0, sequences.size());
    }
}
