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
 */
public record RouterSpec(String encoder, BertConfig scratchConfig, TrainingMode mode, HeadConfig head, LabelConfig labels,
                         TrainingConfig training, int maxTokens, boolean trainWordEmbeddings, Path embeddingCache, TagScheme tags) {
    public static final String MINILM = "minilm";
    public static final String SCRATCH = "scratch";

    /** A spec whose training rows keep their own tags ({@link TagScheme#DATA}). */
    public RouterSpec(String encoder, BertConfig scratchConfig, TrainingMode mode, HeadConfig head, LabelConfig labels,
                      TrainingConfig training, int maxTokens, boolean trainWordEmbeddings, Path embeddingCache) {
        this(encoder, scratchConfig, mode, head, labels, training, maxTokens, trainWordEmbeddings, embeddingCache, TagScheme.DATA);
    }

    public RouterSpec {
        if (tags == null) {
            tags = TagScheme.DATA;
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
        return new RouterSpec(encoder, scratchConfig, mode, head, newLabels, training, maxTokens, trainWordEmbeddings, embeddingCache, tags);
    }

    public RouterSpec withTraining(TrainingConfig newTraining) {
        return new RouterSpec(encoder, scratchConfig, mode, head, labels, newTraining, maxTokens, trainWordEmbeddings, embeddingCache, tags);
    }

    public RouterSpec withTags(TagScheme newTags) {
        return new RouterSpec(encoder, scratchConfig, mode, head, labels, training, maxTokens, trainWordEmbeddings, embeddingCache, newTags);
    }

    /** A readable one-line description, also hashed into checkpoint fingerprints. */
    public String describe() {
        return "encoder=" + encoder + (SCRATCH.equals(encoder) ? " " + scratchConfig : "") + ", mode=" + mode.label()
                + ", head=" + head + ", labels=[" + labels + "], maxTokens=" + maxTokens + ", trainWordEmbeddings="
                + trainWordEmbeddings + ", training=" + training + (tags.equals(TagScheme.DATA) ? "" : ", tags=" + tags);
    }
}
