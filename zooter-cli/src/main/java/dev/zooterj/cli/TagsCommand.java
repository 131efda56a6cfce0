package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.tags.ClusterTagger;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.KeywordTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.data.tags.TrainingRows;
import dev.zooterj.nn.router.EncoderEmbedder;
import dev.zooterj.nn.router.FrozenEncoder;
import dev.zooterj.nn.router.RouterStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "tags", mixinStandardHelpOptions = true,
        description = {"Give every query meaningful tags without an LLM tagger, for tag-based label",
                "enhancement, and write the dataset with its tags filled in (same JSONL contract).",
                "  cluster   seeded k-means (k-means++, Lloyd) of the pretrained MiniLM",
                "            embeddings at each --k: one tag per k, named by the cluster's",
                "            most distinctive words, e.g. c512:sql-join-query",
                "  keywords  the query's most distinctive words (tf-idf), e.g. kw:sql",
                "Fitted on the training rows only (--split; default: split 'train' when rows",
                "have splits, else all rows); every other row gets the fitted tagger's tags",
                "(nearest centroid), so no test row shapes a tag. The rows' own tags are kept",
                "unless --replace. --save-tagger keeps the fitted tagger; --tagger applies a",
                "saved one (a tagger file, or a router directory trained with --tags)."})
final class TagsCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The tagged dataset (JSONL) to write.")
    Path out;

    @Option(names = "--method", converter = MethodConverter.class, paramLabel = "METHOD",
            description = "cluster or keywords (default: cluster).")
    String method;

    @Option(names = "--k", split = ",", paramLabel = "K", description = "cluster: clusters per granularity, e.g. 64,512 (default: 64).")
    List<Integer> ks;

    @Option(names = "--split", paramLabel = "NAME", description = "Fit on the rows of this split (default: 'train' when rows have splits, else all rows).")
    String split;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the clustering (default: 42).")
    Long seed;

    @Option(names = "--replace", description = "Drop the rows' own tags instead of keeping them before the new ones.")
    boolean replace;

    @Option(names = "--save-tagger", paramLabel = "FILE", description = "Also save the fitted tagger (JSON header + centroids), to re-apply it later with --tagger.")
    Path saveTagger;

    @Option(names = "--tagger", paramLabel = "FILE|ROUTER_DIR", description = "Apply a saved tagger instead of fitting one: a --save-tagger file, or a router directory trained with --tags cluster/keywords.")
    Path tagger;

    @Option(names = "--encoder", paramLabel = "NAME", description = "cluster: the frozen encoder whose embeddings are clustered: "
            + "minilm, bge-small-en, bge-small-zh, e5-small, or two joined by '+' (default: minilm, as train's).")
    String encoder;

    @Option(names = "--max-tokens", paramLabel = "N", description = "cluster: tokens kept per query before embedding (default: 256, as train's).")
    Integer maxTokens;

    @Mixin
    CacheOptions cache;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final int DEFAULT_K = 64;
    static final long DEFAULT_SEED = 42;
    static final int DEFAULT_MAX_TOKENS = 256;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (tagger != null) {
            List<String> fitting = new ArrayList<>();
            if (method != null) {
                fitting.add("--method");
            }
            if (ks != null) {
                fitting.add("--k");
            }
            if (split != null) {
                fitting.add("--split");
            }
            if (seed != null) {
                fitting.add("--seed");
            }
            if (saveTagger != null) {
                fitting.add("--save-tagger");
            }
            if (maxTokens != null) {
                fitting.add("--max-tokens");
            }
            if (encoder != null) {
                fitting.add("--encoder");
            }
            if (!fitting.isEmpty()) {
                throw new IllegalArgumentException("--tagger applies a saved tagger as it was fitted: " + String.join(", ", fitting)
                        + " cannot be combined with it");
            }
            return apply(o);
        }
        TagScheme scheme = scheme();
        RewardDataset data = input.read(o);
        TrainingRows rows = TrainingRows.choose(data, split, input.data.toString());
        long s = seed != null ? seed : DEFAULT_SEED;
        o.println("fitting " + scheme + " tags on " + rows.count(data) + " training rows (" + rows.description() + ") of "
                + input.data + (scheme.needsEmbeddings() ? ", seed " + s : "") + "; tagging all " + data.size() + " rows");
        o.flush();
        EncoderEmbedder embedder = scheme.needsEmbeddings()
                ? new EncoderEmbedder(FrozenEncoder.of(encoder != null ? encoder : FrozenEncoder.DEFAULT),
                        maxTokens != null ? maxTokens : DEFAULT_MAX_TOKENS, cache.dir(), new TrainCommand.BarListener(System.err, o))
                : null;
        long t0 = System.nanoTime();
        DatasetTagger.Fitted fitted = DatasetTagger.fitAndApply(data, rows, scheme, embedder, s, !replace);
        o.println(String.format(Locale.ROOT, "fitted in %.1f s", (System.nanoTime() - t0) / 1e9));
        RewardDatasetWriter.write(fitted.data(), out);
        report(o, data, fitted.data(), fitted.tagger());
        if (saveTagger != null) {
            fitted.tagger().save(saveTagger);
            o.println("saved the tagger to " + saveTagger + " (apply it to other rows with --tagger " + saveTagger + ")");
        }
        return 0;
    }

    private Integer apply(PrintWriter o) {
        DatasetTagger t;
        if (Files.isDirectory(tagger)) {
            t = RouterStore.tagger(tagger).orElseThrow(() -> new IllegalArgumentException("the router in " + tagger
                    + " has no tagger: its training rows were not tagged by clusters or keywords"));
        } else {
            t = DatasetTagger.load(tagger);
        }
        RewardDataset data = input.read(o);
        EncoderEmbedder embedder = t.embeddingSpace()
                .map(e -> new EncoderEmbedder(FrozenEncoder.fromIdentity(e.encoder()), e.maxTokens(), cache.dir(),
                        new TrainCommand.BarListener(System.err, o))).orElse(null);
        o.println("applying the saved " + t.scheme() + " tagger (fitted on " + t.trainingRows() + " training rows, seed " + t.seed()
                + ") to the " + data.size() + " rows of " + input.data);
        o.flush();
        RewardDataset tagged = t.apply(data, embedder, !replace);
        RewardDatasetWriter.write(tagged, out);
        report(o, data, tagged, t);
        return 0;
    }

    private TagScheme scheme() {
        String m = method == null ? "cluster" : method;
        if (m.equals("keywords")) {
            if (ks != null || maxTokens != null || encoder != null) {
                throw new IllegalArgumentException((ks != null ? "--k" : maxTokens != null ? "--max-tokens" : "--encoder") + " applies to --method cluster, not keywords");
            }
            return TagScheme.KEYWORDS;
        }
        List<Integer> k = ks == null ? List.of(DEFAULT_K) : ks;
        for (int i = 0; i < k.size(); i++) {
            if (k.get(i) < 1) {
                throw new IllegalArgumentException("--k: every k must be a whole number >= 1, got " + k.get(i));
            }
            if (k.indexOf(k.get(i)) != i) {
                throw new IllegalArgumentException("--k: k = " + k.get(i) + " is listed twice");
            }
        }
        return TagScheme.cluster(k);
    }

    /** Tags per granularity (or keyword counts), cluster sizes and example names. */
    private void report(PrintWriter o, RewardDataset before, RewardDataset after, DatasetTagger t) {
        o.println("wrote " + after.size() + " rows to " + out);
        // The tagger's own tags are recognised by their prefixes (c<k>:, kw:), not by diffing against the rows' old
        // tags: re-tagging an already tagged file gives rows tags equal to ones they had, and those count too.
        List<String> prefixes = new ArrayList<>();
        t.clusters().ifPresent(c -> c.granularities().forEach(g -> prefixes.add(g.prefix())));
        t.keywords().ifPresent(k -> prefixes.add(KeywordTagger.PREFIX));
        Map<String, Integer> used = new LinkedHashMap<>();
        int untagged = 0;
        for (int i = 0; i < after.size(); i++) {
            RewardRecord r = after.records().get(i);
            List<String> fresh = new ArrayList<>(new LinkedHashSet<>(r.tags()));
            fresh.removeIf(tag -> prefixes.stream().noneMatch(tag::startsWith));
            if (fresh.isEmpty()) {
                untagged++;
            }
            fresh.forEach(tag -> used.merge(tag, 1, Integer::sum));
        }
        if (t.clusters().isPresent()) {
            for (ClusterTagger.Granularity g : t.clusters().get().granularities()) {
                int[] sizes = g.trainingSizes().clone();
                java.util.Arrays.sort(sizes);
                List<Integer> order = new ArrayList<>();
                for (int c = 0; c < g.k(); c++) {
                    order.add(c);
                }
                order.sort(Comparator.comparingInt((Integer c) -> -g.trainingSizes()[c]).thenComparing(c -> c));
                long distinct = used.keySet().stream().filter(tag -> tag.startsWith(g.prefix())).count();
                o.println(String.format(Locale.ROOT, "%s %d tags (%d given to rows); training rows per cluster min %d / median %d / max %d%s",
                        g.prefix(), g.k(), distinct, sizes[0], sizes[sizes.length / 2], sizes[sizes.length - 1],
                        g.converged() ? "" : " (k-means stopped after " + g.iterations() + " iterations)"));
                o.println("  largest: " + order.stream().limit(4).map(c -> g.names().get(c) + " (" + g.trainingSizes()[c] + ")")
                        .collect(Collectors.joining(", ")));
                o.println("  smallest: " + order.subList(Math.max(0, order.size() - 2), order.size()).stream()
                        .map(c -> g.names().get(c) + " (" + g.trainingSizes()[c] + ")").collect(Collectors.joining(", ")));
            }
        } else if (t.keywords().isPresent()) {
            o.println("keywords: a vocabulary of " + t.keywords().get().vocabularySize() + " words; " + used.size()
                    + " of them given to rows; " + untagged + " of " + after.size() + " rows got none");
            o.println("  most common: " + used.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey())).limit(8).map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .collect(Collectors.joining(", ")));
        }
        if (!replace) {
            long kept = before.records().stream().filter(r -> !r.tags().isEmpty()).count();
            if (kept > 0) {
                o.println("kept the rows' own tags before the new ones (" + kept + " rows had tags; --replace drops them)");
            }
        }
    }

    /** {@code --method}: cluster or keywords. */
    static final class MethodConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (!v.equals("cluster") && !v.equals("keywords")) {
                throw new CommandLine.TypeConversionException("unknown method '" + value + "'; expected cluster or keywords");
            }
            return v;
        }
    }

    /** {@code --tags} of train and bench: {@link TagScheme#parse}. */
    static final class SchemeConverter implements CommandLine.ITypeConverter<TagScheme> {
        @Override
        public TagScheme convert(String value) {
            try {
                return TagScheme.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
