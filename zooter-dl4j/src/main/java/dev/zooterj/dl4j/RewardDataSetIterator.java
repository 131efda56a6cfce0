package dev.zooterj.dl4j;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Zooter's training data as a DL4J {@link DataSetIterator}: one example per reward row, labels Zooter's s* for a
 * chosen {@link LabelConfig} (s = softmax(norm(r)/τ), s* = β·s + (1−β)·mean of the query's tag means), with the tag
 * means fitted on the training rows only. Features are either
 * <ul>
 *   <li>{@link Features#EMBEDDINGS}: a frozen encoder's pooled embeddings [B, D] (MiniLM by default, as Zooter's head
 *       mode), computed once when the iterator is built; a network trained on them can become a router
 *       ({@link Dl4jRouters#importNetwork}); or</li>
 *   <li>{@link Features#TOKENS}: WordPiece token ids [B, T] (as floats, T the batch's longest row) with a features mask
 *       [B, T] (1 real token, 0 padding), for an encoder of the user's own (e.g. an {@code EmbeddingSequenceLayer}).</li>
 * </ul>
 * Rows are shuffled with the seed: epoch k (the k-th {@link #reset()}) sees its own permutation, the same for every
 * iterator built with the same seed. The last batch of an epoch may be smaller. Not thread-safe (as DL4J's iterators).
 */
public final class RewardDataSetIterator implements DataSetIterator {
    private static final long serialVersionUID = 1L;

    /** What the features are. */
    public enum Features { EMBEDDINGS, TOKENS }

    private final List<String> models;
    private final Features features;
    private final float[][] embeddings;       // EMBEDDINGS: [n][D]
    private final int[][] tokens;             // TOKENS: [n][len]
    private final int padId;
    private final int width;                  // D, or the max tokens
    private final float[][] labels;           // [n][N]
    private final LabelConfig labelConfig;
    private final String featureIdentity;
    private final int maxTokens;
    private final int batch;
    private final long seed;
    private final boolean shuffle;
    private final int trainingRows;

    private int[] order;
    private int cursor;
    private int epoch;
    private DataSetPreProcessor preProcessor;

    private RewardDataSetIterator(Builder b, List<RewardRecord> rows, float[][] labels) {
        this.models = List.copyOf(b.data.models());
        this.features = b.embedder != null ? Features.EMBEDDINGS : Features.TOKENS;
        this.labels = labels;
        this.labelConfig = b.labels;
        this.batch = b.batch;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.trainingRows = (int) rows.stream().filter(b.labelRows).count();
        List<String> queries = rows.stream().map(RewardRecord::query).toList();
        if (features == Features.EMBEDDINGS) {
            this.embeddings = b.embedder.embed(queries);
            this.width = b.embedder.dimension();
            for (int i = 0; i < embeddings.length; i++) {
                if (embeddings[i].length != width) {
                    throw new IllegalStateException("the embedder gave " + embeddings[i].length + " values for row " + i
                            + ", its dimension is " + width);
                }
            }
            this.tokens = null;
            this.padId = 0;
            this.featureIdentity = b.embedder.encoder();
            this.maxTokens = b.embedder.maxTokens();
        } else {
            this.embeddings = null;
            this.tokens = new int[rows.size()][];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = b.tokenizer.encode(queries.get(i), b.maxTokens);
            }
            this.padId = b.tokenizer.padId();
            this.width = b.maxTokens;
            this.featureIdentity = b.tokenizer.identity();
            this.maxTokens = b.maxTokens;
        }
        reset0(0);
    }

    /** Starts building an iterator over {@code data}'s rows (all of them are examples). */
    public static Builder builder(RewardDataset data) {
        return new Builder(data);
    }

    /** How to build a {@link RewardDataSetIterator}. */
    public static final class Builder {
        private final RewardDataset data;
        private LabelConfig labels = LabelConfig.paper();
        private TagScheme tags = TagScheme.DATA;
        private TextEmbedder tagEmbedder;
        private Predicate<RewardRecord> labelRows = r -> true;
        private TextEmbedder embedder;
        private WordPieceTokenizer tokenizer;
        private int maxTokens;
        private int batch = 32;
        private long seed = 42;
        private boolean shuffle = true;

        private Builder(RewardDataset data) {
            this.data = Objects.requireNonNull(data, "data");
        }

        /** τ, normalisation, β and hard labels (default: the paper's, τ = 1, β = 0.3). */
        public Builder labels(LabelConfig config) {
            this.labels = Objects.requireNonNull(config, "labels");
            return this;
        }

        /**
         * Re-tags the rows first ({@code cluster:K}, {@code keywords}, ...), the tagger fitted on the label rows only;
         * {@code embedder} is needed by cluster tags (null otherwise). Default {@link TagScheme#DATA}: the rows' own tags.
         */
        public Builder tags(TagScheme scheme, TextEmbedder embedder) {
            this.tags = Objects.requireNonNull(scheme, "tags");
            this.tagEmbedder = embedder;
            return this;
        }

        /**
         * Which rows the tag means (and a fitted tagger) are computed from; default all rows. Pass the training rows'
         * test when the iterator also covers validation rows, so their rewards never reach the labels of others.
         */
        public Builder labelsFittedOn(Predicate<RewardRecord> rows) {
            this.labelRows = Objects.requireNonNull(rows, "rows");
            return this;
        }

        /** Features are {@code embedder}'s vectors of the queries (e.g. {@code EncoderEmbedder.miniLm(256, cache, null)}). */
        public Builder embeddings(TextEmbedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            this.tokenizer = null;
            return this;
        }

        /** Features are token ids and masks of at most {@code maxTokens} tokens (with [CLS] and [SEP]). */
        public Builder tokens(WordPieceTokenizer tokenizer, int maxTokens) {
            if (maxTokens < 2) {
                throw new IllegalArgumentException("max tokens must be >= 2, got " + maxTokens);
            }
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            this.maxTokens = maxTokens;
            this.embedder = null;
            return this;
        }

        public Builder batch(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + size);
            }
            this.batch = size;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether each epoch sees a new permutation (default true); false keeps the data's order. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Labels the rows and computes their features (embedding them all, when features are embeddings). */
        public RewardDataSetIterator build() {
            if (embedder == null && tokenizer == null) {
                throw new IllegalStateException("choose the features: embeddings(embedder) or tokens(tokenizer, maxTokens)");
            }
            if (data.size() == 0) {
                throw new IllegalArgumentException("no rows to iterate over");
            }
            RewardDataset rows = data;
            if (!tags.equals(TagScheme.DATA)) {
                rows = DatasetTagger.fitAndApply(data, labelRows, tags, tagEmbedder, seed, false).data();
            }
            List<RewardRecord> fitOn = rows.records().stream().filter(labelRows).toList();
            if (fitOn.isEmpty()) {
                throw new IllegalArgumentException("no rows to fit the labels' tag means on");
            }
            TagEnhancedLabels fitted = TagEnhancedLabels.fit(labels, fitOn);
            float[][] y = new float[rows.size()][];
            for (int i = 0; i < y.length; i++) {
                double[] s = fitted.label(rows.records().get(i));
                y[i] = new float[s.length];
                for (int j = 0; j < s.length; j++) {
                    y[i][j] = (float) s[j];
                }
            }
            return new RewardDataSetIterator(this, rows.records(), y);
        }
    }

    // ----- what a router import needs -----

    /** The candidate models, in label order. */
    public List<String> models() {
        return models;
    }

    public Features features() {
        return features;
    }

    /** The embedder's identity (embeddings) or the tokenizer's (tokens): what the network's inputs mean. */
    public String featureIdentity() {
        return featureIdentity;
    }

    /** Tokens kept per query before embedding or in the token features. */
    public int maxTokens() {
        return maxTokens;
    }

    public LabelConfig labelConfig() {
        return labelConfig;
    }

    public long seed() {
        return seed;
    }

    /** Examples per epoch. */
    public int size() {
        return labels.length;
    }

    /** Rows the tag means were fitted on. */
    public int labelRows() {
        return trainingRows;
    }

    /** The label s* of row {@code i} (in the data's order). */
    public float[] label(int i) {
        return labels[i].clone();
    }

    /** Completed epochs: how many times {@link #reset()} was called. */
    public int epoch() {
        return epoch;
    }

    /**
     * The same examples as a {@link MultiDataSetIterator} (one input, one output; the features mask, if any, goes
     * along), for a {@code ComputationGraph}. It shares this iterator's position: use one or the other.
     */
    public MultiDataSetIterator asMultiDataSetIterator() {
        return new MultiDataSetIteratorAdapter(this);
    }

    // ----- DataSetIterator -----

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batch);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is over; call reset()");
        }
        int to = Math.min(order.length, cursor + num);
        int[] rows = Arrays.copyOfRange(order, cursor, to);
        cursor = to;
        DataSet ds = batchOf(rows);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    private DataSet batchOf(int[] rows) {
        int b = rows.length;
        float[][] y = new float[b][];
        for (int i = 0; i < b; i++) {
            y[i] = labels[rows[i]];
        }
        INDArray yArr = Nd4j.createFromArray(y);
        if (features == Features.EMBEDDINGS) {
            float[][] x = new float[b][];
            for (int i = 0; i < b; i++) {
                x[i] = embeddings[rows[i]];
            }
            return new DataSet(Nd4j.createFromArray(x), yArr);
        }
        int longest = 0;
        for (int r : rows) {
            longest = Math.max(longest, tokens[r].length);
        }
        float[][] ids = new float[b][longest];
        float[][] mask = new float[b][longest];
        for (int i = 0; i < b; i++) {
            int[] t = tokens[rows[i]];
            Arrays.fill(ids[i], padId);
            for (int j = 0; j < t.length; j++) {
                ids[i][j] = t[j];
                mask[i][j] = 1;
            }
        }
        return new DataSet(Nd4j.createFromArray(ids), yArr, Nd4j.createFromArray(mask), null);
    }

    @Override
    public int inputColumns() {
        return width;
    }

    @Override
    public int totalOutcomes() {
        return models.size();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        reset0(epoch + 1);
    }

    private void reset0(int newEpoch) {
        epoch = newEpoch;
        cursor = 0;
        order = new int[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + newEpoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /** The model names: what each label column is. */
    @Override
    public List<String> getLabels() {
        return new ArrayList<>(models);
    }
}
