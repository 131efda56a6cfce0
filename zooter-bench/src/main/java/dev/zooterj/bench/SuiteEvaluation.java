package dev.zooterj.bench;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.ensemble.CostAccount;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.Selection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates ensemble methods on a test set laid out in groups of subsets, as the paper's Table 1:
 * per-subset mean score, group averages, MTR and %Uplift.
 *
 * <p>MTR ranks a method, per subset, among the N candidates plus itself (1 = best, ties share the average
 * rank). A method that is identical to one candidate on every subset (a single model, BMA) is ranked as
 * that candidate, not beside a copy of itself.
 */
public final class SuiteEvaluation {
    private static final double TIE = 1e-12;

    private final RewardDataset test;
    private final Map<String, String> groupOfSubset;
    private final List<String> subsetOrder;

    /**
     * @param test          evaluation records; each record's subset must be in {@code groupOfSubset}
     * @param groupOfSubset subset → group, in report order
     */
    public SuiteEvaluation(RewardDataset test, Map<String, String> groupOfSubset) {
        this.test = test;
        this.groupOfSubset = new LinkedHashMap<>(groupOfSubset);
        Map<String, List<RewardRecord>> bySubset = test.bySubset();
        for (String s : bySubset.keySet()) {
            if (!groupOfSubset.containsKey(s)) {
                throw new IllegalArgumentException("subset '" + s + "' of the test set is in no group; groups cover "
                        + groupOfSubset.keySet());
            }
        }
        this.subsetOrder = groupOfSubset.keySet().stream().filter(bySubset::containsKey).toList();
        if (subsetOrder.isEmpty()) {
            throw new IllegalArgumentException("the test set has no records in any subset of the suite");
        }
    }

    /** Every subset → group map with one group holding all of the dataset's subsets. */
    public static Map<String, String> singleGroup(RewardDataset data, String group) {
        Map<String, String> out = new LinkedHashMap<>();
        data.bySubset().keySet().forEach(s -> out.put(s, group));
        return out;
    }

    public List<String> subsets() {
        return subsetOrder;
    }

    public List<String> groups() {
        return subsetOrder.stream().map(groupOfSubset::get).distinct().toList();
    }

    public Map<String, String> groupOfSubset() {
        return groupOfSubset;
    }

    /** Evaluates every method; the candidates' own scores are computed to rank against. */
    public List<MethodResult> evaluate(List<EnsembleMethod> methods) {
        Map<String, List<RewardRecord>> bySubset = test.bySubset();
        int n = test.models().size();
        // candidate score per subset: [subset][model]
        double[][] candidate = new double[subsetOrder.size()][n];
        for (int s = 0; s < subsetOrder.size(); s++) {
            List<RewardRecord> rs = bySubset.get(subsetOrder.get(s));
            for (RewardRecord r : rs) {
                double[] sc = r.evaluationScores();
                for (int m = 0; m < n; m++) {
                    candidate[s][m] += sc[m] / rs.size();
                }
            }
        }
        List<MethodResult> out = new ArrayList<>();
        for (EnsembleMethod method : methods) {
            out.add(evaluate(method, bySubset, candidate));
        }
        return out;
    }

    private MethodResult evaluate(EnsembleMethod method, Map<String, List<RewardRecord>> bySubset, double[][] candidate) {
        int n = test.models().size();
        double[] mean = new double[subsetOrder.size()];
        double[] share = new double[n];
        Map<String, Map<String, Double>> subsetShare = new LinkedHashMap<>();
        CostAccount account = new CostAccount();
        for (int s = 0; s < subsetOrder.size(); s++) {
            List<RewardRecord> rs = bySubset.get(subsetOrder.get(s));
            List<Selection> sel = method.selectAll(rs);
            double[] here = new double[n];
            for (int i = 0; i < rs.size(); i++) {
                RewardRecord r = rs.get(i);
                Selection x = sel.get(i);
                mean[s] += x.expectedScore(r.evaluationScores()) / rs.size();
                for (int m = 0; m < n; m++) {
                    share[m] += x.weights()[m];
                    here[m] += x.weights()[m] / rs.size();
                }
                account.add(r, x);
            }
            Map<String, Double> byModel = new LinkedHashMap<>();
            for (int m = 0; m < n; m++) {
                byModel.put(test.models().get(m), here[m]);
            }
            subsetShare.put(subsetOrder.get(s), byModel);
        }
        int identical = identicalCandidate(mean, candidate);
        double[] rank = new double[subsetOrder.size()];
        for (int s = 0; s < subsetOrder.size(); s++) {
            rank[s] = rank(mean[s], candidate[s], identical);
        }
        Map<String, Double> subsets = new LinkedHashMap<>();
        for (int s = 0; s < subsetOrder.size(); s++) {
            subsets.put(subsetOrder.get(s), mean[s]);
        }
        Map<String, MethodResult.GroupResult> groups = new LinkedHashMap<>();
        for (String g : groups()) {
            List<Integer> idx = new ArrayList<>();
            for (int s = 0; s < subsetOrder.size(); s++) {
                if (g.equals(groupOfSubset.get(subsetOrder.get(s)))) {
                    idx.add(s);
                }
            }
            groups.put(g, new MethodResult.GroupResult(average(mean, idx), average(rank, idx), firstShare(rank, idx),
                    idx.stream().map(subsetOrder::get).toList()));
        }
        List<Integer> all = new ArrayList<>();
        for (int s = 0; s < subsetOrder.size(); s++) {
            all.add(s);
        }
        Map<String, Double> routingShare = new LinkedHashMap<>();
        for (int m = 0; m < n; m++) {
            routingShare.put(test.models().get(m), share[m] / Math.max(1, account.queries()));
        }
        return new MethodResult(method.name(), subsets, groups, average(rank, all), firstShare(rank, all),
                account.generationsPerQuery(), account.costPerQuery(), routingShare, subsetShare,
                identical < 0 ? null : test.models().get(identical));
    }

    /** The candidate whose subset scores equal the method's on every subset, or -1. */
    private static int identicalCandidate(double[] mean, double[][] candidate) {
        for (int m = 0; m < candidate[0].length; m++) {
            boolean same = true;
            for (int s = 0; s < mean.length && same; s++) {
                same = Math.abs(mean[s] - candidate[s][m]) <= TIE * Math.max(1, Math.abs(mean[s]));
            }
            if (same) {
                return m;
            }
        }
        return -1;
    }

    /**
     * Rank of {@code score} among {@code candidates} (skipping index {@code self}) plus itself: 1 + the number
     * of better candidates + half the number of tied ones.
     */
    static double rank(double score, double[] candidates, int self) {
        double rank = 1;
        for (int m = 0; m < candidates.length; m++) {
            if (m == self) {
                continue;
            }
            double tol = TIE * Math.max(1, Math.abs(score));
            if (candidates[m] > score + tol) {
                rank += 1;
            } else if (Math.abs(candidates[m] - score) <= tol) {
                rank += 0.5;
            }
        }
        return rank;
    }

    private static double average(double[] v, List<Integer> idx) {
        double s = 0;
        for (int i : idx) {
            s += v[i];
        }
        return s / idx.size();
    }

    private static double firstShare(double[] rank, List<Integer> idx) {
        long first = idx.stream().filter(i -> rank[i] == 1.0).count();
        return (double) first / idx.size();
    }
}
