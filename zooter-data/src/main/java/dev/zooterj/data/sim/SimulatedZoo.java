package dev.zooterj.data.sim;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.tags.Decontaminator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A simulated model zoo: fictional candidate models with complementary expertise, a training set in the
 * role of the paper's DivInstruct (rewards from a simulated reward model) and an evaluation set laid out
 * like the paper's 26 subsets (scores from a simulated benchmark judge). Nothing here is real model output.
 * Evaluation queries use a held-out paraphrase of every phrase training queries are built from (same tags), and one
 * whose text still occurs in training is drawn again, so no evaluation query is a training query.
 *
 * <p>The same {@link Config} always gives equal datasets. The world (the tag-level expertise), the training
 * set and each evaluation subset draw from separate random streams, so changing one size leaves the other
 * parts unchanged.
 */
public final class SimulatedZoo {
    public static final String TRAIN_SPLIT = "train";
    public static final String TEST_SPLIT = "test";

    private final Config config;
    private final List<String> models;
    private final RewardDataset training;
    private final RewardDataset evaluation;
    private final int resampledEvaluationQueries;
    private Overlap overlap;

    // Draws of one evaluation query before giving up on finding text that is not in training.
    private static final int MAX_DRAWS = 1000;

    /**
     * What to generate.
     *
     * @param seed             the only source of randomness
     * @param models           how many candidates, taken in order from {@link #modelCatalogue()}
     * @param trainingQueries  size of the training set
     * @param queriesPerSubset size of each of the 26 evaluation subsets
     */
    public record Config(long seed, int models, int trainingQueries, int queriesPerSubset) {
        public Config {
            int available = ModelProfile.catalogue().size();
            if (models < 2 || models > available) {
                throw new IllegalArgumentException("models must be between 2 and " + available + ", got " + models);
            }
            if (trainingQueries < 0 || queriesPerSubset < 0) {
                throw new IllegalArgumentException("sizes must not be negative: trainingQueries " + trainingQueries
                        + ", queriesPerSubset " + queriesPerSubset);
            }
        }

        public static Config defaults() {
            return new Config(42, 6, 3000, 40);
        }

        public Config withSeed(long newSeed) {
            return new Config(newSeed, models, trainingQueries, queriesPerSubset);
        }

        public Config withModels(int newModels) {
            return new Config(seed, newModels, trainingQueries, queriesPerSubset);
        }

        public Config withTrainingQueries(int newTrainingQueries) {
            return new Config(seed, models, newTrainingQueries, queriesPerSubset);
        }

        public Config withQueriesPerSubset(int newQueriesPerSubset) {
            return new Config(seed, models, trainingQueries, newQueriesPerSubset);
        }
    }

    private SimulatedZoo(Config config, List<String> models, RewardDataset training, RewardDataset evaluation,
                         int resampledEvaluationQueries) {
        this.config = config;
        this.models = models;
        this.training = training;
        this.evaluation = evaluation;
        this.resampledEvaluationQueries = resampledEvaluationQueries;
    }

    /**
     * How much the evaluation queries overlap the training queries.
     *
     * @param evaluationQueries evaluation queries in all
     * @param exactInTraining   evaluation queries whose text occurs in training (always 0: such queries are drawn again)
     * @param resampled         evaluation draws that were thrown away because their text occurs in training
     * @param ngram             the n-gram length of the next field (the paper's 6)
     * @param sharingNgram      evaluation queries sharing at least one word n-gram with some training query, by the
     *                          project's {@link Decontaminator} (same normalisation as {@code decontaminate})
     */
    public record Overlap(int evaluationQueries, int exactInTraining, int resampled, int ngram, int sharingNgram) {
        /** {@code sharingNgram} as a share of the evaluation queries (0 when there are none). */
        public double sharingNgramShare() {
            return evaluationQueries == 0 ? 0 : sharingNgram / (double) evaluationQueries;
        }

        /** One line for a console or report. */
        public String describe() {
            return String.format(Locale.ROOT, "evaluation vs training: %d of %d evaluation queries occur word for word "
                    + "in training (%d draws that did were drawn again); %d (%.1f%%) share a %d-word n-gram with a "
                    + "training query", exactInTraining, evaluationQueries, resampled, sharingNgram,
                    100 * sharingNgramShare(), ngram);
        }
    }

    /** The overlap between the evaluation and the training queries, computed on first use. */
    public synchronized Overlap overlap() {
        if (overlap == null) {
            Set<String> trainingTexts = new HashSet<>();
            training.records().forEach(r -> trainingTexts.add(r.query()));
            int exact = (int) evaluation.records().stream().filter(r -> trainingTexts.contains(r.query())).count();
            int sharing = 0;
            if (training.size() > 0 && evaluation.size() > 0) {
                Decontaminator d = new Decontaminator(Decontaminator.DEFAULT_NGRAM, List.of(
                        new Decontaminator.EvaluationSet("simulated training queries", List.copyOf(trainingTexts))));
                // The decontaminator drops rows sharing an n-gram with its index: here the evaluation rows.
                sharing = d.apply(evaluation).report().rowsDropped();
            }
            overlap = new Overlap(evaluation.size(), exact, resampledEvaluationQueries, Decontaminator.DEFAULT_NGRAM,
                    sharing);
        }
        return overlap;
    }

    /** Every model name the simulator can field, in the order {@link Config#models()} takes them. */
    public static List<String> modelCatalogue() {
        return ModelProfile.catalogue().stream().map(ModelProfile::name).toList();
    }

    public static SimulatedZoo generate(Config config) {
        SplittableRandom root = new SplittableRandom(config.seed());
        ZooWorld world = ZooWorld.sample(ModelProfile.catalogue().subList(0, config.models()), root.split());
        SplittableRandom trainingRandom = root.split();
        SplittableRandom evaluationRandom = root.split();
        List<String> models = world.models().stream().map(ModelProfile::name).toList();
        RewardDataset training = new RewardDataset(models, trainingRecords(world, config.trainingQueries(), trainingRandom));
        Set<String> trainingTexts = new HashSet<>();
        training.records().forEach(r -> trainingTexts.add(r.query()));
        int[] resampled = new int[1];
        RewardDataset evaluation = new RewardDataset(models,
                evaluationRecords(world, config.queriesPerSubset(), evaluationRandom, trainingTexts, resampled));
        return new SimulatedZoo(config, models, training, evaluation, resampled[0]);
    }

    private static List<RewardRecord> trainingRecords(ZooWorld world, int count, SplittableRandom random) {
        Domain[] domains = Domain.values();
        List<RewardRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Domain domain = domains[random.nextInt(domains.length)];
            SimulatedQuery query = QueryWriter.write(domain, Phrasing.TRAINING, random);
            QueryOutcome outcome = world.answer(query, random);
            double[] rewards = RewardModel.rewards(outcome, random);
            // The reward model's view is the training signal; there is no benchmark score for training data.
            out.add(new RewardRecord(String.format(Locale.ROOT, "sim-train-%06d", i), query.text(), null,
                    query.tags(), domain.label(), TRAIN_SPLIT, rewards, null, outcome.outputTokens()));
        }
        return out;
    }

    /**
     * The evaluation subsets, written in the held-out {@link Phrasing}. A query whose text occurs in training
     * is drawn again (counted in {@code resampled}); with two wordings that share no phrase this cannot happen,
     * but the guarantee should not rest on the vocabulary tables alone.
     */
    private static List<RewardRecord> evaluationRecords(ZooWorld world, int perSubset, SplittableRandom random,
                                                        Set<String> trainingTexts, int[] resampled) {
        List<RewardRecord> out = new ArrayList<>(perSubset * PaperLayout.subsets().size());
        for (BenchmarkSubset subset : PaperLayout.subsets()) {
            SplittableRandom subsetRandom = random.split();
            String idPrefix = idPrefix(subset);
            for (int i = 0; i < perSubset; i++) {
                SimulatedQuery query = writeUnseen(subset, subsetRandom, trainingTexts, resampled);
                QueryOutcome outcome = world.answer(query, subsetRandom);
                double[] rewards = RewardModel.rewards(outcome, subsetRandom);
                double[] scores = BenchmarkJudge.scores(subset, outcome, subsetRandom);
                out.add(new RewardRecord(String.format(Locale.ROOT, "%s-%04d", idPrefix, i), query.text(), null,
                        query.tags(), subset.name(), TEST_SPLIT, rewards, scores, outcome.outputTokens()));
            }
        }
        return out;
    }

    private static SimulatedQuery writeUnseen(BenchmarkSubset subset, SplittableRandom random,
                                              Set<String> trainingTexts, int[] resampled) {
        for (int attempt = 0; attempt < MAX_DRAWS; attempt++) {
            SimulatedQuery query = QueryWriter.write(SubsetDomains.draw(subset.name(), random), Phrasing.HELD_OUT,
                    random);
            if (!trainingTexts.contains(query.text())) {
                return query;
            }
            resampled[0]++;
        }
        throw new IllegalStateException("subset " + subset.name() + ": " + MAX_DRAWS
                + " evaluation queries in a row occur word for word in training");
    }

    /** E.g. {@code sim-mtbench-coding} for subset {@code mtbench_coding} of group MT-Bench. */
    private static String idPrefix(BenchmarkSubset subset) {
        String group = subset.group().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String name = subset.name().startsWith(group + "_") ? subset.name().substring(group.length() + 1)
                : subset.name();
        return "sim-" + group + "-" + name.replace('_', '-');
    }

    public Config config() {
        return config;
    }

    public List<String> models() {
        return models;
    }

    /** The training set: every domain, tags and rewards, split {@code train}, subset = the query's domain. */
    public RewardDataset training() {
        return training;
    }

    /** The evaluation set: the paper's 26 subsets, rewards and benchmark scores, split {@code test}. */
    public RewardDataset evaluation() {
        return evaluation;
    }

    public String description() {
        return String.format(Locale.ROOT, "Simulated model zoo (seed %d), not real model outputs: %d fictional "
                + "candidate models (%s) with complementary latent expertise over %d query domains and "
                + "tag-level strengths. Queries are generated from templates and topic vocabularies, sometimes "
                + "mixing two domains, and carry 1-3 InsTag-style tags; evaluation queries are written in a "
                + "held-out paraphrase of every template and topic (same tags), so none occurs in training. Each query gets a latent true quality "
                + "per model (domain expertise + tag effects - difficulty + noise); a simulated reward model "
                + "turns it into noisy, length-biased rewards (the training signal) and a separate simulated "
                + "judge into benchmark scores on each subset's scale. %d training queries; %d evaluation "
                + "queries in the paper's 26-subset layout (AlpacaEval win rate, FLASK 1-5, MT-Bench 1-10, "
                + "MMLU/GSM8K/HumanEval 0/1), %d per subset. Output length in tokens is the cost.",
                config.seed(), models.size(), String.join(", ", models), Domain.values().length,
                training.size(), evaluation.size(), config.queriesPerSubset());
    }
}
