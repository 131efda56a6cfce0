package dev.zooterj.dl4j;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.util.Map;

/**
 * Run in a separate JVM by {@link SameDiffExportTest}: loads an exported router with nothing but {@code SameDiff.load}
 * (no Zooter-J class touches the graph), runs it on ids and mask read from files, and writes pooled and probabilities.
 * Arguments: graph ids.npy mask.npy pooled-out.npy probabilities-out.npy.
 */
public final class SameDiffLoadMain {
    private SameDiffLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        SameDiff sd = SameDiff.load(new File(args[0]), false);
        INDArray ids = Nd4j.createFromNpyFile(new File(args[1]));
        INDArray mask = Nd4j.createFromNpyFile(new File(args[2]));
        Map<String, INDArray> out = sd.output(Map.of("ids", ids, "mask", mask), "pooled", "probabilities");
        Nd4j.writeAsNumpy(out.get("pooled"), new File(args[3]));
        Nd4j.writeAsNumpy(out.get("probabilities"), new File(args[4]));
        System.out.println("loaded " + sd.variables().size() + " variables; pooled " + java.util.Arrays.toString(out.get("pooled").shape()));
    }
}
