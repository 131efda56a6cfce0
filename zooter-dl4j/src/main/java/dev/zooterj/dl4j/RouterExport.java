package dev.zooterj.dl4j;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.encoder.BertGraph;
import dev.zooterj.nn.router.ZooterRouter;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Hands a trained Zooter router to DL4J.
 * <ul>
 *   <li>{@link #headNetwork}/{@link #writeHead}: the head as a {@link MultiLayerNetwork} (DL4J's ModelSerializer zip);
 *       its input is the router's pooled embeddings [B, D] (for a head-mode router, frozen MiniLM's; see
 *       {@link ZooterRouter#embed}), its output the router's distribution over the models [B, N].</li>
 *   <li>{@link #writeSameDiff}: the whole router, encoder and head, as one SameDiff file that {@code SameDiff.load(file,
 *       false)} opens without Zooter-J on the class path (ND4J only). Inputs and outputs: see {@link #IDS}. A JSON
 *       description is written beside it ({@code FILE.json}): models in output order, the tokenizer's identity, max
 *       tokens, and the variables.</li>
 * </ul>
 */
public final class RouterExport {
    /** Input: INT32 [B, T] WordPiece ids of the router's tokenizer, [CLS] … [SEP], padded with the pad id (0). */
    public static final String IDS = BertGraph.IDS;
    /** Input: FLOAT [B, T], 1 for a real token and 0 for padding. */
    public static final String MASK = BertGraph.MASK;
    /** Output: FLOAT [B, D] mean-pooled sentence embeddings (the head's input). */
    public static final String POOLED = BertGraph.POOLED;
    /** Output: FLOAT [B, N] the head's logits. */
    public static final String LOGITS = "logits";
    /** Output: FLOAT [B, N] softmax(logits): the router's distribution; its argmax is the routed model. */
    public static final String PROBABILITIES = "probabilities";
    /** The description's format tag. */
    public static final String FORMAT = "zooter-samediff/1";

    private RouterExport() {
    }

    /** The router's head as a DL4J network with the same outputs (to float rounding) on the same embeddings. */
    public static MultiLayerNetwork headNetwork(ZooterRouter router) {
        return Dl4jNetworks.fromHead(router.head());
    }

    /** Writes {@link #headNetwork} with DL4J's ModelSerializer, atomically. */
    public static void writeHead(ZooterRouter router, Path file) {
        MultiLayerNetwork net = headNetwork(router);
        AtomicFiles.write(file, out -> ModelSerializer.writeModel(net, out, false));
    }

    /** The router (encoder, head, softmax) as one SameDiff graph with the inputs and outputs named above. */
    public static SameDiff sameDiff(ZooterRouter router) {
        if (!(router.encoder() instanceof BertEncoder bert)) {
            throw new IllegalArgumentException("only a router over a BERT encoder (MiniLM, fine-tuned or scratch) exports to SameDiff; this one has "
                    + router.encoder().getClass().getSimpleName());
        }
        BertGraph g = bert.graph(BertGraph.WordEmbeddings.FROZEN);
        SameDiff sd = g.sameDiff();
        SDVariable logits = router.head().build(sd, g.pooled()).rename(LOGITS);
        sd.nn.softmax(logits, 1).rename(PROBABILITIES);
        return sd;
    }

    /**
     * Writes the router as a SameDiff file (FlatBuffers, weights included) and its description {@code FILE.json}, each
     * atomically.
     */
    public static void writeSameDiff(ZooterRouter router, Path file) {
        SameDiff sd = sameDiff(router);
        Path parent = file.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            sd.save(tmp.toFile(), false);
            AtomicFiles.moveAtomically(tmp, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
        AtomicFiles.writeString(descriptionOf(file), describe(router, file));
    }

    /** Where {@link #writeSameDiff} puts the description of {@code file}. */
    public static Path descriptionOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".json");
    }

    static String describe(ZooterRouter router, Path file) {
        ObjectNode d = Dl4jRouters.JSON.createObjectNode();
        d.put("format", FORMAT);
        d.put("file", file.getFileName().toString());
        d.put("load", "SameDiff.load(file, false)");
        router.models().forEach(d.putArray("models")::add);
        ObjectNode tok = d.putObject("tokenizer");
        tok.put("identity", router.tokenizer().identity());
        tok.put("maxTokens", router.maxTokens());
        tok.put("padId", router.tokenizer().padId());
        tok.put("note", "WordPiece ids with [CLS] first and [SEP] last, truncated to maxTokens; "
                + "Zooter-J's WordPieceTokenizer.miniLm() gives them (Hugging Face's tokenizer.json of all-MiniLM-L6-v2 gives the same)");
        ObjectNode in = d.putObject("inputs");
        in.putObject(IDS).put("type", "INT32").put("shape", "[B, T]").put("meaning", "token ids, padded with padId");
        in.putObject(MASK).put("type", "FLOAT").put("shape", "[B, T]").put("meaning", "1 for a token, 0 for padding");
        ObjectNode out = d.putObject("outputs");
        out.putObject(POOLED).put("type", "FLOAT").put("shape", "[B, " + router.encoder().dimension() + "]")
                .put("meaning", "mean-pooled sentence embeddings over the mask");
        out.putObject(LOGITS).put("type", "FLOAT").put("shape", "[B, " + router.models().size() + "]").put("meaning", "head logits");
        out.putObject(PROBABILITIES).put("type", "FLOAT").put("shape", "[B, " + router.models().size() + "]")
                .put("meaning", "softmax(logits) in the order of 'models'; argmax = routed model");
        try {
            return Dl4jRouters.JSON.writeValueAsString(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
