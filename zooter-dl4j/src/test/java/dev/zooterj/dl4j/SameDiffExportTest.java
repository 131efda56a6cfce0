package dev.zooterj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.router.ZooterRouter;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole router (pretrained MiniLM + a head) exported as a SameDiff file, loaded by {@code SameDiff.load} in a
 * separate JVM that runs only ND4J code ({@link SameDiffLoadMain}): its pooled embeddings equal the direct ND4J path's
 * ({@link ZooterRouter#embed}) within 1e-5 on the encoder parity sentences (zooter-nn's {@code encoder/sentences.txt}),
 * and its probabilities the router's.
 */
class SameDiffExportTest {
    @TempDir
    Path dir;

    @Test
    void aFreshJvmLoadsTheRouterAndGetsTheSameEmbeddings() throws Exception {
        List<String> sentences = sentences();
        WordPieceTokenizer tok = WordPieceTokenizer.miniLm();
        BertEncoder miniLm = BertEncoder.miniLm();
        RoutingHead head = RoutingHead.initialise(HeadConfig.mlp(16), miniLm.dimension(), 4, 5);
        ZooterRouter router = new ZooterRouter(List.of("a", "b", "c", "d"), tok, miniLm, head, 64);
        Path file = dir.resolve("router.sd");
        RouterExport.writeSameDiff(router, file);

        JsonNode d = Dl4jRouters.JSON.readTree(RouterExport.descriptionOf(file).toFile());
        assertEquals(RouterExport.FORMAT, d.path("format").asText());
        assertEquals(tok.identity(), d.path("tokenizer").path("identity").asText());
        assertEquals(64, d.path("tokenizer").path("maxTokens").asInt());
        assertEquals("d", d.path("models").get(3).asText());

        // one padded batch of every sentence, as the description says to build it
        int[][] tokens = sentences.stream().map(s -> tok.encode(s, 64)).toArray(int[][]::new);
        int longest = Arrays.stream(tokens).mapToInt(t -> t.length).max().orElseThrow();
        int[][] ids = new int[tokens.length][longest];
        float[][] mask = new float[tokens.length][longest];
        for (int i = 0; i < tokens.length; i++) {
            Arrays.fill(ids[i], tok.padId());
            System.arraycopy(tokens[i], 0, ids[i], 0, tokens[i].length);
            Arrays.fill(mask[i], 0, tokens[i].length, 1f);
        }
        File idsFile = dir.resolve("ids.npy").toFile();
        File maskFile = dir.resolve("mask.npy").toFile();
        Nd4j.writeAsNumpy(Nd4j.createFromArray(ids), idsFile);
        Nd4j.writeAsNumpy(Nd4j.createFromArray(mask), maskFile);
        File pooledFile = dir.resolve("pooled.npy").toFile();
        File probsFile = dir.resolve("probs.npy").toFile();

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SameDiffLoadMain.class.getName(), file.toString(),
                idsFile.toString(), maskFile.toString(), pooledFile.toString(), probsFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(l -> log.append(l).append('\n'));
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the forked JVM did not finish");
        assertEquals(0, p.exitValue(), log.toString());

        INDArray pooled = Nd4j.createFromNpyFile(pooledFile).castTo(DataType.FLOAT);
        INDArray probs = Nd4j.createFromNpyFile(probsFile).castTo(DataType.DOUBLE);
        INDArray direct = router.embed(sentences);
        double maxDiff = Nd4j.math().abs(pooled.sub(direct)).maxNumber().doubleValue();
        System.out.printf("SameDiff export in a fresh JVM, %d sentences: max |pooled - direct ND4J| = %.2e%n", sentences.size(), maxDiff);
        assertTrue(maxDiff <= 1e-5, "max difference " + maxDiff);
        double[][] want = router.estimate(sentences).stream().map(e -> e.values()).toArray(double[][]::new);
        double[][] got = probs.toDoubleMatrix();
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                assertEquals(want[i][j], got[i][j], 1e-5, "sentence " + i);
            }
        }
        assertTrue(Files.size(file) > 40_000_000, "the file holds the weights");
    }

    static List<String> sentences() throws Exception {
        try (var in = SameDiffExportTest.class.getResourceAsStream("/parity-sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }
}
