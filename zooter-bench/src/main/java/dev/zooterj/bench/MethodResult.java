package dev.zooterj.bench;

import java.util.List;
import java.util.Map;

/**
 * One ensemble method's results on a suite.
 *
 * @param method              method name ({@code zooter}, {@code bma}, a model name, ...)
 * @param subsets             subset → mean evaluation score of the answers the method returns
 * @param groups              group → aggregate over the group's subsets
 * @param mtr                 mean task rank over all subsets (1 = best; ranked among the candidates plus itself)
 * @param uplift              share of all subsets on which the method ranks first
 * @param generationsPerQuery LLM generations per query (1 for routers, N for ranking)
 * @param costPerQuery        mean cost per query where records carry cost, else NaN
 * @param routingShare        model → share of queries whose answer comes from it
 * @param subsetRoutingShare  subset → (model → share of that subset's queries answered by it)
 * @param candidate           the candidate this method is identical to on every subset, or null
 */
public record MethodResult(String method, Map<String, Double> subsets, Map<String, GroupResult> groups, double mtr,
                           double uplift, double generationsPerQuery, double costPerQuery,
                           Map<String, Double> routingShare, Map<String, Map<String, Double>> subsetRoutingShare,
                           String candidate) {

    /** Mean over all subsets of the subset scores (mixes metric scales across groups; see the group averages). */
    public double average() {
        return subsets.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** A group's aggregates: the average of its subset means, its MTR and %Uplift. */
    public record GroupResult(double average, double mtr, double uplift, List<String> subsets) {
    }
}
