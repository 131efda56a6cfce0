package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.data.Splits;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.encoder.BertGraph;
import dev.zooterj.nn.head.HeadGraph;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.io.Hashing;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import dev.zooterj.nn.train.EpochStats;
import dev.zooterj.nn.train.RouterTrainer;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainableGraph;
import dev.zooterj.nn.train.TrainingMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Trains a Zooter router on a reward dataset: holds out a stratified validation share, fits tag statistics
 * on the remaining training rows only, builds the labels s*, and trains the head (on cached frozen
 * embeddings) or the encoder and head together.
 */
public final class ZooterTrainer {
    /** Progress of the phases before and during training. */
    public interface Listener extends RouterTrainer.Listener {
        default void embeddingStarted(int texts) {
        }

        default void embeddingBatch(int texts) {
        }

        /** A stage of a long fit has started (one line, e.g. which candidate {@code auto} tunes now). */
        default void stage(String line) {
        }
    }

    /** MiniLM's identity: the ONNX file inside the pinned Maven artifact ({@link FrozenEncoder#weightsIdentity()}). */
    public static final String MINILM_IDENTITY = dev.zooterj.nn.encoder.PretrainedModel.MINILM.identity();

    private ZooterTrainer() {
    }

    /**
     * @param data        training rows (all of them: the validation share is held out here)
     * @param datasetName the file the rows came from (provenance)
     * @param datasetHash SHA-256 of that file
     * @param checkpoints directory for resumable per-epoch checkpoints (null: none)
     */
    public static TrainedRouter train(RewardDataset data, RouterSpec spec, String datasetName, String datasetHash,
                                      Path checkpoints, Listener listener) {
        return train(data, spec, datasetName, datasetHash, checkpoints, listener, null);
    }

    /**
     * The rows {@link #train} will fit on: {@code data} without the validation share it holds out (the split depends
     * on ids, subsets and the seed only). Fit anything that shapes labels — a tagger, say — on these rows alone, so
     * the validation rows that choose the kept epoch stay unseen.
     */
    public static java.util.function.Predicate<RewardRecord> fittingRows(RewardDataset data, RouterSpec spec) {
        Splits.TrainValTest split = Splits.trainValTest(data, spec.training().validationFraction(), 0, spec.training().seed());
        java.util.Set<String> ids = new java.util.HashSet<>();
        split.train().records().forEach(r -> ids.add(r.id()));
        return r -> ids.contains(r.id());
    }

    /**
     * As above, with an already loaded frozen encoder to reuse across many head-mode trainings (folds, β sweeps):
     * in head mode the encoder is frozen, so sharing it is safe. Used only when it is the spec's encoder and the mode
     * is head; otherwise ignored.
     */
    public static TrainedRouter train(RewardDataset data, RouterSpec spec, String datasetName, String datasetHash,
                                      Path checkpoints, Listener listener, FrozenEncoder frozen) {
        Splits.TrainValTest split = Splits.trainValTest(data, spec.training().validationFraction(), 0, spec.training().seed());
        RewardDataset train = split.train();
        RewardDataset validation = split.validation();
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training rows left after the validation hold-out");
        }
        TagEnhancedLabels labels = TagEnhancedLabels.fit(spec.labels(), train.records());
        List<RewardRecord> rows = new ArrayList<>(train.records());
        rows.addAll(validation.records());
        double[][] y = new double[rows.size()][];
        List<String> texts = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            y[i] = labels.label(rows.get(i));
            texts.add(rows.get(i).query());
        }
        int[] trainRows = IntStream.range(0, train.size()).toArray();
        int[] validationRows = IntStream.range(train.size(), rows.size()).toArray();

        List<ZooterRouter.Component> components;
        TrainableGraph graph;
        RoutingHead head;
        BertEncoder trained = null;   // the encoder whose weights training changes (finetune, scratch)
        if (spec.mode() == TrainingMode.HEAD) {
            FrozenEncoder encoder = frozen != null && frozen.name().equals(spec.encoder()) ? frozen : FrozenEncoder.of(spec.encoder());
            head = RoutingHead.initialise(spec.head(), encoder.dimension(), data.models().size(), spec.training().seed());
            graph = new HeadGraph(head, embed(texts, encoder, spec, listener));
            components = encoder.components();
        } else {
            WordPieceTokenizer tokenizer;
            BertEncoder encoder;
            String prefix;
            if (RouterSpec.SCRATCH.equals(spec.encoder())) {
                tokenizer = WordPieceTokenizer.miniLm();
                encoder = BertEncoder.random(spec.scratchConfig(), spec.training().seed());
                prefix = "";
            } else {                     // a fresh copy: fine-tuning changes the weights
                FrozenEncoder choice = FrozenEncoder.of(spec.encoder());
                tokenizer = choice.tokenizers().get(0);
                encoder = choice.loadFresh();
                prefix = choice.models().get(0).prefix();
            }
            head = RoutingHead.initialise(spec.head(), encoder.dimension(), data.models().size(), spec.training().seed());
            if (spec.headStart() == RouterSpec.HeadStart.PROBE) {
                probe(head, texts, y, trainRows, validationRows, spec, frozen, listener);
            }
            int[][] tokens = new int[texts.size()][];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = tokenizer.encode(prefix + texts.get(i), spec.maxTokens());
            }
            BertGraph.WordEmbeddings words = spec.mode() == TrainingMode.SCRATCH || spec.trainWordEmbeddings()
                    ? BertGraph.WordEmbeddings.TRAINABLE : BertGraph.WordEmbeddings.FROZEN;
            graph = new EncoderGraph(encoder, head, tokens, tokenizer.padId(), words);
            components = List.of(new ZooterRouter.Component(tokenizer, encoder, prefix));
            trained = encoder;
        }
        String fingerprint = Hashing.sha256(datasetHash + "|" + data.models() + "|" + spec.describe());
        RouterTrainer.Result result = new RouterTrainer(graph, spec.training(), listener, checkpoints, fingerprint)
                .train(y, trainRows, validationRows);
        if (trained != null) {
            trained.weightsSettled();   // training is over: encode() may copy the weights and use the fast path again
        }
        ZooterRouter router = new ZooterRouter(data.models(), components, head, spec.maxTokens());
        return new TrainedRouter(router, spec, result, new TrainedRouter.Provenance(datasetName, datasetHash, data.size(),
                train.size(), validation.size(), labels.tagStatistics().tagCount()));
    }

    /**
     * Fits {@code head} in place on the frozen encoder's embeddings of the same rows, with the head mode's optimiser
     * settings and the spec's seed, and keeps its best validation epoch: the start of "linear probing, then
     * fine-tuning". The frozen encoder is the one fine-tuning starts from, so the head meets the features it was fitted
     * on. Not checkpointed (it takes a minute); a resumed fine-tune restores the head from its own checkpoint.
     */
    private static void probe(RoutingHead head, List<String> texts, double[][] y, int[] trainRows, int[] validationRows,
                              RouterSpec spec, FrozenEncoder frozen, Listener listener) {
        FrozenEncoder encoder = frozen != null && frozen.name().equals(spec.encoder()) ? frozen : FrozenEncoder.of(spec.encoder());
        TrainingConfig probing = TrainingConfig.headDefaults().withSeed(spec.training().seed());
        listener.stage("head start: fitting the head on the frozen " + encoder.name() + " embeddings (up to "
                + probing.epochs() + " epochs), then fine-tuning encoder and head together");
        HeadGraph graph = new HeadGraph(head, embed(texts, encoder, spec, listener));
        RouterTrainer.Result r = new RouterTrainer(graph, probing, new RouterTrainer.Listener() { }, null, null)
                .train(y, trainRows, validationRows);
        EpochStats kept = r.curve().get(r.bestEpoch() - 1);
        listener.stage(String.format(java.util.Locale.ROOT, "head start: kept epoch %d of %d (validation KL %.4f, top-1 %.3f)",
                r.bestEpoch(), r.curve().size(), kept.validationKl(), kept.validationTop1()));
    }

    private static INDArray embed(List<String> texts, FrozenEncoder encoder, RouterSpec spec, Listener listener) {
        ZooterRouter.BatchListener progress = listener::embeddingBatch;
        if (spec.embeddingCache() == null) {
            listener.embeddingStarted(texts.size());
            return encoder.embed(texts, spec.maxTokens(), progress);
        }
        listener.embeddingStarted(encoder.countMissing(spec.embeddingCache(), texts, spec.maxTokens()));
        return encoder.embedCached(spec.embeddingCache(), texts, spec.maxTokens(), progress);
    }

    /** The trained router, reading embeddings through the spec's cache when the encoder is frozen and a cache is set. */
    public static ZooterRouter cachedRouter(TrainedRouter trained) {
        RouterSpec spec = trained.spec();
        return spec.mode() == TrainingMode.HEAD && spec.embeddingCache() != null
                ? trained.router().withEmbeddingCache(spec.embeddingCache(), FrozenEncoder.of(spec.encoder()).weightsIdentity())
                : trained.router();
    }
}
