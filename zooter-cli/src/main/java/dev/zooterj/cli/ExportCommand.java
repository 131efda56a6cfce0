package dev.zooterj.cli;

import dev.zooterj.dl4j.RouterExport;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.RouterStore;
import dev.zooterj.nn.router.ZooterKind;
import dev.zooterj.nn.router.ZooterRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a trained zooter router for DeepLearning4j:",
                "  --format dl4j      the head as a DL4J MultiLayerNetwork (ModelSerializer zip); input: the router's pooled",
                "                     embeddings [B, D]; output: its distribution over the models [B, N]",
                "  --format samediff  the whole router (MiniLM encoder + head) as a SameDiff file for SameDiff.load(file, false);",
                "                     inputs ids INT32 [B, T] and mask FLOAT [B, T]; outputs pooled, logits, probabilities;",
                "                     FILE.json beside it names the models, the tokenizer and max tokens"})
final class ExportCommand implements Callable<Integer> {
    enum Format { dl4j, samediff }

    @Option(names = "--router", required = true, paramLabel = "ROUTER_DIR", description = "A zooter router directory (zooter train).")
    Path router;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "dl4j or samediff.")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (atomically).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String kind = RouterKinds.kindOf(router);
        if (!ZooterKind.NAME.equals(kind)) {
            throw new IllegalArgumentException(router + " holds a " + kind + " router; export takes a zooter router (a head over an encoder)");
        }
        ZooterRouter r = RouterStore.load(router).router();
        PrintWriter o = spec.commandLine().getOut();
        switch (format) {
            case dl4j -> {
                RouterExport.writeHead(r, out);
                o.println(String.format(Locale.ROOT, "wrote %s: DL4J MultiLayerNetwork, input [B, %d] pooled embeddings, output [B, %d] over %s",
                        out, r.encoder().dimension(), r.models().size(), r.models()));
            }
            case samediff -> {
                RouterExport.writeSameDiff(r, out);
                o.println(String.format(Locale.ROOT, "wrote %s: SameDiff graph, inputs %s INT32 [B, T] and %s FLOAT [B, T], outputs %s, %s, %s",
                        out, RouterExport.IDS, RouterExport.MASK, RouterExport.POOLED, RouterExport.LOGITS, RouterExport.PROBABILITIES));
                o.println("wrote " + RouterExport.descriptionOf(out) + ": models, tokenizer " + r.tokenizer().identity() + ", max tokens " + r.maxTokens());
            }
            default -> throw new IllegalStateException();
        }
        return 0;
    }
}
