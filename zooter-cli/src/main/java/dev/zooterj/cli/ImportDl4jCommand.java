package dev.zooterj.cli;

import dev.zooterj.dl4j.Dl4jRouters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import-dl4j", mixinStandardHelpOptions = true,
        description = {"Make a DL4J MultiLayerNetwork (ModelSerializer zip) a router directory of kind dl4j that route,",
                "evaluate, bench and serve use. The network reads the embeddings of the --like router (a head-mode zooter",
                "router: frozen MiniLM at its max tokens; or a knn/task_best/cluster_best/dl4j router's embedder) and must end",
                "in a softmax over that router's models, in its order. router.json's provenance names the file and its SHA-256."})
final class ImportDl4jCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The network (ModelSerializer.writeModel).")
    Path model;

    @Option(names = "--like", required = true, paramLabel = "ROUTER_DIR",
            description = "A router directory whose models and embeddings the network was trained on.")
    Path like;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The router directory to write (atomically).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Dl4jRouters.importFile(model, like, out);
        spec.commandLine().getOut().println("wrote " + out + ": a dl4j router (network " + model + ", models and embeddings of " + like + ")");
        return 0;
    }
}
