package dev.zooterj.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.data.DatasetFormatException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.Optional;
import scala.Tuple2;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays routing decisions against what is known about the models: per model, the share of queries sent to it, their
 * cost (with per-model costs) and the mean score of the routed model over the rows a scores table covers (the rows
 * of a dataset JSONL with {@code scores}), per subset and overall, as {@code zooter evaluate} reports a router.
 */
public final class ReplayJob {
    /** Per model: queries routed to it, their cost, and scored rows with the sum of their scores. */
    public record ModelLine(String model, long queries, double share, double cost, long scored, double meanScore) {
    }

    /** The summary; {@code meanScore} and {@code perSubset} are NaN/empty without a scores table. */
    public record Summary(long queries, List<ModelLine> models, double totalCost, long scored, double meanScore,
                          Map<String, Double> perSubset, long unscored) {
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("queries", queries);
            ObjectNode m = o.putObject("models");
            for (ModelLine l : models) {
                ObjectNode x = m.putObject(l.model());
                x.put("queries", l.queries());
                x.put("share", l.share());
                x.put("cost", l.cost());
                x.put("scored", l.scored());
                x.put("meanScore", l.meanScore());
            }
            o.put("totalCost", totalCost);
            o.put("scored", scored);
            o.put("meanScore", meanScore);
            ObjectNode s = o.putObject("perSubset");
            perSubset.forEach(s::put);
            o.put("unscored", unscored);
            return o;
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-30s %10s %7s %12s %8s %10s%n", "model", "queries", "share", "cost", "scored", "mean score"));
            for (ModelLine l : models) {
                sb.append(String.format(Locale.ROOT, "%-30s %10d %6.1f%% %12.4f %8d %10.4f%n", l.model(), l.queries(), 100 * l.share(),
                        l.cost(), l.scored(), l.meanScore()));
            }
            sb.append(String.format(Locale.ROOT, "%-30s %10d %7s %12.4f %8d %10.4f%n", "all", queries, "", totalCost, scored, meanScore));
            perSubset.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  subset %-21s mean score of the routed model %.4f%n", k, v)));
            if (unscored > 0) {
                sb.append(unscored).append(" decisions have no row in the scores table (not in the mean scores)\n");
            }
            return sb.toString();
        }
    }

    private ReplayJob() {
    }

    /** (id, model) of decisions JSONL rows, as {@code zooter route} and the Spark route job write them. */
    public static JavaPairRDD<String, String> decisions(JavaRDD<Lines.Line> lines) {
        return lines.mapToPair(l -> {
            ObjectNode o = DatasetRow.object(l);
            return new Tuple2<>(text(l, o, "id"), text(l, o, "model"));
        });
    }

    /** (id, (subset, scores by model)) of dataset JSONL rows that have scores. */
    public static JavaPairRDD<String, Tuple2<String, Map<String, Double>>> scores(JavaRDD<Lines.Line> lines) {
        return lines.flatMapToPair(l -> {
            ObjectNode o = DatasetRow.object(l);
            JsonNode s = o.get("scores");
            if (s == null || s.isNull()) {
                return java.util.Collections.emptyIterator();
            }
            if (!s.isObject()) {
                throw new DatasetFormatException(Path.of(l.file()), l.line(), "scores", "expected an object {model: score}");
            }
            Map<String, Double> m = new TreeMap<>();
            s.fields().forEachRemaining(e -> {
                if (!e.getValue().isNumber()) {
                    throw new DatasetFormatException(Path.of(l.file()), l.line(), "scores." + e.getKey(), "expected a number");
                }
                m.put(e.getKey(), e.getValue().asDouble());
            });
            JsonNode subset = o.has("subset") ? o.get("subset") : o.get("dataset");
            String sub = subset == null || !subset.isTextual() ? "all" : subset.textValue();
            return List.of(new Tuple2<>(text(l, o, "id"), new Tuple2<>(sub, m))).iterator();
        });
    }

    /**
     * @param scores per-row scores, or null for none
     * @param costs  per-model cost of one query, or null/empty for none
     */
    public static Summary replay(JavaPairRDD<String, String> decisions, JavaPairRDD<String, Tuple2<String, Map<String, Double>>> scores,
                                 Map<String, Double> costs) {
        Map<String, Long> perModel = new TreeMap<>(decisions.values().countByValue());
        long n = perModel.values().stream().mapToLong(Long::longValue).sum();
        Map<String, double[]> scored = new TreeMap<>();     // model -> {rows, sum}
        Map<String, double[]> subsets = new TreeMap<>();    // subset -> {rows, sum}
        long unscored = 0;
        if (scores != null) {
            JavaPairRDD<String, Tuple2<String, Optional<Tuple2<String, Map<String, Double>>>>> joined = decisions.leftOuterJoin(scores);
            unscored = joined.filter(t -> !t._2()._2().isPresent()).count();
            List<Tuple2<Tuple2<String, String>, double[]>> sums = joined.filter(t -> t._2()._2().isPresent())
                    .mapToPair(t -> {
                        String model = t._2()._1();
                        Tuple2<String, Map<String, Double>> row = t._2()._2().get();
                        Double s = row._2().get(model);
                        if (s == null) {
                            throw new IllegalArgumentException("the scores table's row '" + t._1() + "' has no score for '" + model + "'");
                        }
                        return new Tuple2<>(new Tuple2<>(model, row._1()), new double[] {1, s});
                    })
                    .reduceByKey((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]}).collect();
            for (Tuple2<Tuple2<String, String>, double[]> t : sums) {
                scored.merge(t._1()._1(), t._2(), (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
                subsets.merge(t._1()._2(), t._2(), (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        List<ModelLine> lines = new java.util.ArrayList<>();
        double totalCost = 0;
        long scoredRows = 0;
        double scoreSum = 0;
        for (Map.Entry<String, Long> e : perModel.entrySet()) {
            double c = costs == null || costs.isEmpty() ? 0 : costs.getOrDefault(e.getKey(), Double.NaN) * e.getValue();
            if (Double.isNaN(c)) {
                throw new IllegalArgumentException("--costs: no cost for '" + e.getKey() + "', which decisions route to; give every model's");
            }
            double[] s = scored.getOrDefault(e.getKey(), new double[2]);
            lines.add(new ModelLine(e.getKey(), e.getValue(), (double) e.getValue() / n, c, (long) s[0], s[0] == 0 ? Double.NaN : s[1] / s[0]));
            totalCost += c;
            scoredRows += (long) s[0];
            scoreSum += s[1];
        }
        Map<String, Double> perSubset = new LinkedHashMap<>();
        subsets.forEach((k, v) -> perSubset.put(k, v[1] / v[0]));
        return new Summary(n, lines, totalCost, scoredRows, scoredRows == 0 ? Double.NaN : scoreSum / scoredRows, perSubset, unscored);
    }

    private static String text(Lines.Line l, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !(v.isTextual() || v.isIntegralNumber())) {
            throw new DatasetFormatException(Path.of(l.file()), l.line(), field, "missing: expected a string");
        }
        return v.asText();
    }
}
