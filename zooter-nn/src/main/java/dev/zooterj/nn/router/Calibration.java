package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.routing.BiasPolicy;
import dev.zooterj.core.routing.CostAwarePolicy;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimators;
import dev.zooterj.core.routing.Policy;
import dev.zooterj.core.routing.Router;
import dev.zooterj.data.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router directory's calibrated threshold: {@code calibration.json} (written by {@code calibrate}, recorded under
 * {@code "calibration"} in {@code router.json}) holds either a bias toward one model ({@code "policy": "share"}) or a
 * cost weight with per-model costs ({@code "policy": "cost"}); {@code route} (and the Spark route job) applies it.
 */
public final class Calibration {
    public static final String FILE = "calibration.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Calibration() {
    }

    /** Writes calibration.json, then router.json with the same object under "calibration"; each atomically. */
    public static void save(Path dir, ObjectNode calibration) throws IOException {
        Path manifest = dir.resolve("router.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(calibration) + "\n");
        m.set("calibration", calibration);
        AtomicFiles.writeString(manifest, JSON.writeValueAsString(m) + "\n");
    }

    /** The stored calibration, or null. */
    public static JsonNode read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Per-model costs from {@code model=cost} pairs, in the router's model order; every model needs one. */
    public static double[] costs(List<String> models, Map<String, Double> given, String option) {
        double[] c = new double[models.size()];
        for (String m : given.keySet()) {
            if (!models.contains(m)) {
                throw new IllegalArgumentException(option + ": '" + m + "' is not one of the router's models " + models);
            }
        }
        for (int i = 0; i < c.length; i++) {
            Double v = given.get(models.get(i));
            if (v == null || !Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException(option + ": expected a cost >= 0 for every model " + models + "; "
                        + models.get(i) + " has " + v);
            }
            c[i] = v;
        }
        return c;
    }

    /**
     * The router with the policy to apply: {@code --cost-weight} when given (costs from {@code --costs} or the stored
     * calibration), else the stored calibration, else the router as it is.
     */
    public static Router apply(Router router, Path dir, Double costWeight, Map<String, Double> costs) {
        JsonNode c = read(dir);
        List<String> models = router.models();
        Policy policy = null;
        if (costWeight != null) {
            double[] cost;
            if (costs != null && !costs.isEmpty()) {
                cost = costs(models, costs, "--costs");
            } else if (c != null && c.has("costs")) {
                Map<String, Double> stored = new LinkedHashMap<>();
                c.get("costs").fields().forEachRemaining(e -> stored.put(e.getKey(), e.getValue().asDouble()));
                cost = costs(models, stored, dir.resolve(FILE) + " field 'costs'");
            } else {
                throw new IllegalArgumentException("--cost-weight needs per-model costs: --costs MODEL=COST,... (or a "
                        + "calibration made with 'calibrate --mean-cost')");
            }
            policy = identity(cost, costWeight);
        } else if (c != null) {
            String kind = c.path("policy").asText();
            if (kind.equals("share")) {
                String model = c.path("model").asText();
                int idx = models.indexOf(model);
                if (idx < 0) {
                    throw new IllegalArgumentException(dir.resolve(FILE) + ": field 'model': '" + model + "' is not one of " + models);
                }
                policy = new BiasPolicy(idx, c.path("bias").asDouble());
            } else if (kind.equals("cost")) {
                Map<String, Double> stored = new LinkedHashMap<>();
                c.path("costs").fields().forEachRemaining(e -> stored.put(e.getKey(), e.getValue().asDouble()));
                policy = identity(costs(models, stored, dir.resolve(FILE) + " field 'costs'"), c.path("lambda").asDouble());
            } else {
                throw new IllegalArgumentException(dir.resolve(FILE) + ": field 'policy': expected share or cost, got '" + kind + "'");
            }
        }
        return policy == null ? router : new EstimatingRouter(Estimators.of(router), policy);
    }

    /** Expected quality = the estimate's own value (a probability, or an expected score), minus λ·cost. */
    public static CostAwarePolicy identity(double[] cost, double lambda) {
        double[] one = new double[cost.length];
        Arrays.fill(one, 1);
        return new CostAwarePolicy(new double[cost.length], one, cost, lambda);
    }
}
