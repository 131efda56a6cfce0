package dev.zooterj.cli;

import dev.zooterj.nn.router.Versions;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print versions and the ND4J backend in use (CPU or CUDA), to check an installation.")
final class InfoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        o.println("zooter-j " + Versions.zooter() + ", ND4J " + Versions.nd4j());
        o.println("java " + Versions.java() + " on " + Versions.os() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        var backend = Nd4j.getBackend();
        o.println("ND4J backend: " + backend.getClass().getSimpleName() + " (" + Nd4j.getExecutioner().getClass().getSimpleName() + ")");
        o.println("devices: " + Nd4j.getAffinityManager().getNumberOfDevices() + ", default data type "
                + Nd4j.dataType().name().toLowerCase());
        o.println("environment: " + Nd4j.getExecutioner().getEnvironmentInformation());
        return 0;
    }
}
