package dev.zooterj.nn.router;

import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;

import java.nio.file.Path;

/**
 * Everything that decides what router training produces.
 *
 * @param encoder            a pretrained encoder choice ({@link FrozenEncoder}: {@code minilm}, {@code bge-small-en},
 *                           {@code bge-small-zh}, {@code e5-small}, or several joined by '+'), or {@code scratch}
 * @param scratchConfig      the architecture for {@code scratch} (ignored for minilm)
 * @param mode               head (frozen encoder), finetune or scratch
 * @param head               linear or MLP head
 * @param labels             label settings (tau, normalisation, beta, hard)
 * @param training           optimisation settings, including the seed
 * @param maxTokens          truncation length of the tokenizer
 * @param trainWordEmbeddings fine-tuning also trains the word-embedding table (scratch always does)
 * @param embeddingCache     directory for cached frozen embeddings (null: no cache)
 * @param tags               the tags the training rows carry for label enhancement ({@link TagScheme#DATA}: their own).
 *                           Recorded, not applied: the caller tags the rows before training ({@code DatasetTagger}) and
 *                           saves the fitted tagger with the router ({@link RouterStore#save(TrainedRouter, Path,
 *                           dev.zooterj.data.tags.DatasetTagger)})
 * @param headStart          finetune: the head's starting weights, {@link HeadStart#RANDOM} (the paper) or
 *                           {@link HeadStart#PROBE} (first fitted on the frozen encoder's embeddings, then encoder and
 *                           head train together: "linear probing, then fine-tuning")
 */
public record RouterSpec(String encoder, BertConfig scratchConfig, TrainingMode mode, HeadConfig head, LabelConfig labels,
                         TrainingConfig training, int maxTokens, boolean trainWordEmbeddings, Path embeddingCache, TagScheme tags,
                         HeadStart headStart) {
    public static final String MINILM = "minilm";
    public static final String SCRATCH = "scratch";

    /** Where a fine-tuned router's head starts. */
    public enum HeadStart {
        /** Random initialisation, as in the paper. */
        RANDOM,
        /** The head fitted on the frozen encoder's embeddings with the head mode's settings (30 epochs, lr 3e-3). */
        PROBE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static HeadStart parse(String value) {
            for (HeadStart h : values()) {
                if (h.label().equals(value)) {
                    return h;
                }
            }
            throw new IllegalArgumentException("head start: expected random or probe, got '" + value + "'");
        }
    }

    /** A spec whose fine-tuned head starts at random (the paper's). */
    public RouterSpec(String encoder, BertConfig scratchConfig, TrainingMode mode, HeadConfig head, LabelConfig labels,
                      TrainingConfig training, int maxTokens, boolean trainWordEmbeddings, Path embeddingCache, TagScheme tags) {
        this(encoder, scratchConfig, mode, head, labels, training, maxTokens, trainWordEmbeddings, embeddingCache, tags, HeadStart.RANDOM);
    }

    /** A spec whose training rows keep their own tags ({@link TagScheme#DATA}). */
    public RouterSpec(String encoder, BertConfig scratchConfig, TrainingMode mode, HeadConfig head, LabelConfig labels,
                      TrainingConfig training, int maxTokens, boolean trainWordEmbeddings, Path embeddingCache) {
        this(encoder, scratchConfig, mode, head, labels, training, maxTokens, trainWordEmbeddings, embeddingCache, TagScheme.DATA);
    }

    public RouterSpec {
        if (tags == null) {
            tags = TagScheme.DATA;
        }
        if (headStart == null) {
            headStart = HeadStart.RANDOM;
        }
        if (headStart == HeadStart.PROBE && mode != TrainingMode.FINETUNE) {
            throw new IllegalArgumentException("head start 'probe' fits the head on a pretrained encoder before fine-tuning it: "
                    + "it needs --mode finetune, got " + mode.label());
        }
        if (encoder == null) {
            throw new IllegalArgumentException("encoder must be set: scratch or one of " + dev.zooterj.nn.encoder.PretrainedModel.names());
        }
        if (!SCRATCH.equals(encoder)) {
            FrozenEncoder choice;
            try {
                choice = FrozenEncoder.of(encoder);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + ", or scratch");
            }
            encoder = choice.name();
            if (mode == TrainingMode.FINETUNE && choice.models().size() > 1) {
                throw new IllegalArgumentException("--mode finetune trains one encoder; --encoder " + encoder
                        + " combines " + choice.models().size() + " (use --mode head)");
            }
        }
        if (SCRATCH.equals(encoder) && mode == TrainingMode.HEAD) {
            throw new IllegalArgumentException("--mode head needs a pretrained encoder: a random scratch encoder would stay random; "
                    + "use --mode scratch with --encoder scratch");
        }
        if (!SCRATCH.equals(encoder) && mode == TrainingMode.SCRATCH) {
            throw new IllegalArgumentException("--mode scratch trains a new small encoder: use --encoder scratch");
        }
        int positions = SCRATCH.equals(encoder) ? scratchConfig.maxPositions() : FrozenEncoder.MAX_POSITIONS;
        if (maxTokens > positions) {
            throw new IllegalArgumentException("max tokens " + maxTokens + " exceeds the encoder's " + positions + " positions");
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException("max tokens must be >= 2 ([CLS] and [SEP]), got " + maxTokens);
        }
    }

    public RouterSpec withLabels(LabelConfig newLabels) {
        return new RouterSpec(encoder, scratchConfig, mode, head, newLabels, training, maxTokens, trainWordEmbeddings, embeddingCache, tags, headStart);
    }

    public RouterSpec withTraining(TrainingConfig newTraining) {
        return new RouterSpec(encoder, scratchConfig, mode, head, labels, newTraining, maxTokens, trainWordEmbeddings, embeddingCache, tags, headStart);
    }

    public RouterSpec withTags(TagScheme newTags) {
        return new RouterSpec(encoder, scratchConfig, mode, head, labels, training, maxTokens, trainWordEmbeddings, embeddingCache, newTags, headStart);
    }

    public RouterSpec withHeadStart(HeadStart start) {
        return new RouterSpec(encoder, scratchConfig, mode, head, labels, training, maxTokens, trainWordEmbeddings, embeddingCache, tags, start);
    }

    /** A readable one-line description, also hashed into checkpoint fingerprints. */
    public String describe() {
        return "encoder=" + encoder + (SCRATCH.equals(encoder) ? " " + scratchConfig : "") + ", mode=" + mode.label()
                + ", head=" + head + ", labels=[" + labels + "], maxTokens=" + maxTokens + ", trainWordEmbeddings="
                + trainWordEmbeddings + ", training=" + training + (tags.equals(TagScheme.DATA) ? "" : ", tags=" + tags)
                + (headStart == HeadStart.RANDOM ? "" : ", headStart=" + headStart.label());
    }
}
