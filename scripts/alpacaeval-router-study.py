#!/usr/bin/env python3
"""Can any query-only router beat the best single model (wizardlm-13b) on the AlpacaEval two-judge suite?

A research script (numpy only), not part of the build. It reproduces the bench's protocol exactly:
the 803 rows `bench --suite alpacaeval` keeps (6-model open pool, rows with a blank judgement skipped), the same
5 subset-stratified folds per seed (java.util.Random + Collections.shuffle re-implemented, as in Splits.kFold),
the metric = mean over the 5 subsets of the AE1 score of the routed model, every query tested once.
Every setting of a router (target, ridge lambda, switching margin, k) is chosen by an inner 5-fold
cross-validation on the outer fold's training rows only; test rows are read only to score the routed model.

The routers predict, per query, the gain of each model over wizardlm-13b (AE1 score difference, or a bounded AE2
logit difference, or their sum) and switch away from wizardlm-13b only when the largest predicted gain exceeds a
margin (margin = inf, "never switch", is always on the grid).

Features: MiniLM embeddings read from the bench's embedding cache (max tokens 128; run the bench once to fill it),
hashed word 1-2-gram tf-idf, 13 hand-made length/format features, and optionally other encoders' embeddings given as
.npy files (--extra NAME=FILE, rows in this script's row order; `--dump-order` writes that order).

Usage: scripts/alpacaeval-router-study.py --data ../shared/data/alpaca_eval [--cache DIR] COMMAND
  stats      per-model means, oracles, subset ceilings
  r2         out-of-fold R^2 of the per-query difference to wizardlm-13b, beyond the subset means
  nested     the nested-CV routers (ridge, conservative ridge, kNN, wizard-vs-oasst pair), 3 seeds, paired bootstrap
  aux        a low-rank router: ridge from text to all AE2 (row-centred logits) and AE1 (row-centred) judgements of
             every model in the files (training rows only), its top-r predictable directions as features for the gain
  bound      the same ridge routers with lambda and margin chosen on the TEST rows (an optimistic bound, not a result),
             against the same with the text permuted within subsets (is there any signal at all?)
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import re
import sys
import zlib

import numpy as np

POOL = ["vicuna-13b", "wizardlm-13b", "oasst-rlhf-llama-33b", "falcon-40b-instruct", "alpaca-farm-ppo-human",
        "minichat-3b"]
SUBSETS = ["helpful_base", "koala", "oasst", "selfinstruct", "vicuna"]
W = POOL.index("wizardlm-13b")
O = POOL.index("oasst-rlhf-llama-33b")
SEEDS = (42, 43, 44)
LAMS = [0.3, 1, 3, 10, 30, 100]
MARGINS = list(np.linspace(-0.1, 0.5, 13)) + [np.inf]
KS = [10, 25, 50, 100, 200]


# ---------------------------------------------------------------- data

def load(data_dir):
    def wide(name):
        path = os.path.join(data_dir, name)
        rows = list(csv.DictReader(open(path, newline="")))
        return {r["id"]: r for r in rows}, rows

    queries = {}
    for line in open(os.path.join(data_dir, "instructions.jsonl")):
        j = json.loads(line)
        queries[str(j["id"])] = j
    ae2, order = wide("ae2_weighted_gpt4turbo_winprob_wide.csv")
    ae1, _ = wide("ae1_gpt4_winprob_wide.csv")
    ids, rewards, scores, skipped = [], [], [], 0
    for row in order:
        i = row["id"]
        try:
            rw = [float(row[m]) for m in POOL]
            sc = [float(ae1[i][m]) for m in POOL]
        except (ValueError, KeyError):
            skipped += 1
            continue
        ids.append(i)
        rewards.append(rw)
        scores.append(sc)
    texts = [queries[i]["instruction"] for i in ids]
    subsets = [queries[i]["dataset"] for i in ids]
    return ids, texts, subsets, np.array(rewards), np.array(scores), skipped


def cached_embeddings(texts, cache_dir, max_tokens=128, dim=384):
    """The rows of the cache file that holds every text (key = SHA-256 of max tokens, NUL, text; see EmbeddingCache)."""
    keys = [hashlib.sha256((str(max_tokens) + "\0" + t).encode("utf-8")).digest() for t in texts]
    rec = 32 + 4 * dim
    for path in sorted(glob.glob(os.path.join(os.path.expanduser(cache_dir), "*-%d.emb" % dim))):
        blob = open(path, "rb").read()
        where = {blob[o:o + 32]: o for o in range(0, len(blob) - rec + 1, rec)}
        if all(k in where for k in keys):
            return path, np.stack([np.frombuffer(blob, dtype="<f4", count=dim, offset=where[k] + 32) for k in keys])
    return None, None


# ---------------------------------------------------------------- the bench's folds (Splits.kFold)

class JavaRandom:
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= 1 << 31 else r

    def next_int(self, bound):
        if bound & (-bound) == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + (bound - 1) < (1 << 31):
                return val


def kfold(ids, subsets, k, seed):
    """Splits.kFold: strata by subset (sorted), each sorted by id then Collections.shuffle'd, dealt round-robin."""
    rng = JavaRandom(seed)
    strata = {}
    for i, s in enumerate(subsets):
        strata.setdefault(s, []).append(i)
    folds = [[] for _ in range(k)]
    nxt = 0
    for s in sorted(strata):
        st = sorted(strata[s], key=lambda i: ids[i])
        for i in range(len(st), 1, -1):
            j = rng.next_int(i)
            st[i - 1], st[j] = st[j], st[i - 1]
        for r in st:
            folds[nxt].append(r)
            nxt = (nxt + 1) % k
    return [np.array(f) for f in folds]


# ---------------------------------------------------------------- features

def hand_features(texts):
    out = []
    for t in texts:
        w = t.split()
        tl = t.lower()
        out.append([np.log1p(len(t)), np.log1p(len(w)), "\n" in t, "?" in t, bool(re.search(r"\d", t)),
                    any(k in tl for k in ["code", "python", "javascript", "function", "sql", "c++", "java ", "program"]),
                    any(k in tl for k in ["write a", "write an", "compose", "poem", "story", "essay", "letter"]),
                    any(k in tl for k in ["list", "examples", "ideas", "suggest", "tips"]),
                    any(k in tl for k in ["explain", "why", "how does", "what is", "what are"]),
                    any(k in tl for k in ["translate", "rewrite", "summarize", "paraphrase", "correct", "grammar", "edit"]),
                    any(k in tl for k in ["calculate", "solve", "math", "equation", "sum", "+", "="]),
                    tl.startswith(("what", "how", "why", "who", "when", "where", "which", "can", "is", "do", "does")),
                    len(set(w)) / max(1, len(w))])
    f = np.array(out, float)
    return (f - f.mean(0)) / (f.std(0) + 1e-9) / np.sqrt(f.shape[1])


def ngram_features(texts, dim=4096):
    f = np.zeros((len(texts), dim))
    for i, t in enumerate(texts):
        w = re.findall(r"[a-z0-9']+", t.lower())
        for tok in w + [a + " " + b for a, b in zip(w, w[1:])]:
            f[i, zlib.crc32(tok.encode()) % dim] += 1
    idf = np.log((1 + len(texts)) / (1 + (f > 0).sum(0))) + 1
    f = np.log1p(f) * idf
    return f / (np.linalg.norm(f, axis=1, keepdims=True) + 1e-9)


def unit(x):
    x = np.asarray(x, float)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ---------------------------------------------------------------- the study

class Study:
    def __init__(self, ids, subsets, R, S):
        self.ids, self.S, self.n = ids, S, len(ids)
        self.subsets = np.array(subsets)
        self.si = np.array([SUBSETS.index(s) for s in subsets])
        logit = np.log(np.clip(R, 1e-4, 1 - 1e-4) / (1 - np.clip(R, 1e-4, 1 - 1e-4)))
        ds = S - S[:, [W]]
        dr = np.tanh((logit - logit[:, [W]]) / 4)
        self.targets = {"ae1": ds, "ae2": dr, "mix": ds + dr}

    def macro(self, values, idx=None):
        si = self.si if idx is None else self.si[idx]
        return float(np.mean([values[si == s].mean() for s in range(len(SUBSETS)) if (si == s).any()]))

    def macro_se(self, d, idx=None):
        si = self.si if idx is None else self.si[idx]
        return float(np.sqrt(sum(d[si == s].var(ddof=1) / (si == s).sum() for s in range(5)) / 25))

    def folds(self, seed, rows=None):
        rows = np.arange(self.n) if rows is None else rows
        f = kfold([self.ids[i] for i in rows], list(self.subsets[rows]), 5, seed)
        return [(rows[np.concatenate([f[j] for j in range(5) if j != k])], rows[f[k]]) for k in range(5)]

    def routed(self, choice, rows=None):
        rows = np.arange(self.n) if rows is None else rows
        return self.S[rows, choice]


def ridge(X, tr, te, T, lams):
    """Kernel-form ridge (centred on the training rows), one prediction matrix per lambda."""
    mu = X[tr].mean(0)
    xc = X[tr] - mu
    ym = T[tr].mean(0)
    e, q = np.linalg.eigh(xc @ xc.T)
    qty = q.T @ (T[tr] - ym)
    kte = (X[te] - mu) @ xc.T
    return [kte @ (q @ (qty / (e + lam)[:, None])) + ym for lam in lams]


def knn(X, tr, te, T, ks):
    order = np.argsort(-(X[te] @ X[tr].T), axis=1)
    return [T[tr][order[:, :k]].mean(1) for k in ks]


def decide(pred, margin, allowed=None):
    p = pred.copy()
    p[:, W] = -np.inf
    if allowed is not None:
        p[:, [m for m in range(len(POOL)) if m not in allowed]] = -np.inf
    return np.where(p.max(1) > margin, p.argmax(1), W)


def nested_router(st, name, predict, grid, targets=("ae1", "ae2", "mix"), allowed=None, repeats=1,
                  one_se=False, log=print):
    """Outer 5 folds x 3 seeds; (target, grid value, margin) chosen per outer fold by inner 5-fold CV on its
    training rows (the highest inner macro gain over wizardlm-13b; one_se: minus its standard error; ties -> larger
    margin). Returns the routed choices per seed."""
    choices = []
    for seed in SEEDS:
        choice = np.full(st.n, W)
        picks = []
        for k, (tr, te) in enumerate(st.folds(seed)):
            gains = {}
            for rep in range(repeats):
                inner = st.folds(seed * 100 + k * 7 + rep + 1000, tr)
                for tn in targets:
                    preds = [np.zeros((st.n, len(POOL))) for _ in grid]
                    for itr, ite in inner:
                        for p, pr in zip(preds, predict(itr, ite, st.targets[tn], grid)):
                            p[ite] = pr
                    for g, p in zip(grid, preds):
                        for m in MARGINS:
                            c = decide(p[tr], m, allowed)
                            gains.setdefault((tn, g, m), []).append(st.routed(c, tr) - st.S[tr, W])
            best = None
            for key, ds in gains.items():
                d = np.mean(ds, axis=0)
                crit = st.macro(d, tr) - (st.macro_se(d, tr) if one_se else 0.0)
                if not np.isfinite(key[2]):
                    crit = 0.0
                rank = (round(crit, 9), key[2])
                if best is None or rank > best[0]:
                    best = (rank, key, st.macro(d, tr))
            tn, g, m = best[1]
            picks.append("%s/%s/%s (inner %+.3f)" % (tn, g, "inf" if not np.isfinite(m) else "%.2f" % m, best[2]))
            if np.isfinite(m):
                choice[te] = decide(predict(tr, te, st.targets[tn], [g])[0], m, allowed)
        d = st.routed(choice) - st.S[:, W]
        log("  %-34s seed %d: %.4f, minus wizardlm %+.4f (paired SE %.4f), %3d of %d switched; chosen per fold: %s"
            % (name, seed, st.macro(st.routed(choice)), st.macro(d), st.macro_se(d), (choice != W).sum(), st.n,
               "; ".join(picks)))
        choices.append(choice)
    return choices


def bootstrap(st, choices, resamples=2000, seed=0):
    """Mean over seeds of the paired macro difference to wizardlm-13b; rows resampled within subsets."""
    rng = np.random.default_rng(seed)
    D = np.stack([st.routed(c) - st.S[:, W] for c in choices])
    point = float(np.mean([st.macro(d) for d in D]))
    by = [np.where(st.si == s)[0] for s in range(5)]
    stats = []
    for _ in range(resamples):
        stats.append(sum(D[:, rng.choice(b, len(b))].mean() for b in by) / 5)
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return point, float(lo), float(hi), float(np.std(stats))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="the AlpacaEval folder (../shared/data/alpaca_eval)")
    ap.add_argument("--cache", default="~/.cache/zooter-j/embeddings", help="the bench's embedding cache (MiniLM, 128 tokens)")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=FILE.npy",
                    help="another encoder's embeddings, rows in this script's order")
    ap.add_argument("--dump-order", metavar="FILE", help="write the rows (id, query) as JSONL and exit")
    ap.add_argument("command", nargs="?", choices=["stats", "r2", "nested", "aux", "bound"])
    a = ap.parse_args()

    ids, texts, subsets, R, S, skipped = load(a.data)
    if a.dump_order:
        with open(a.dump_order, "w") as f:
            for i, t, s in zip(ids, texts, subsets):
                f.write(json.dumps({"id": i, "query": t, "subset": s}) + "\n")
        return
    if a.command is None:
        ap.error("a command is needed: stats, r2, nested, aux or bound")
    st = Study(ids, subsets, R, S)
    print("%d rows (%d skipped: a pool model has no judgement); wizardlm-13b %.4f" % (st.n, skipped, st.macro(S[:, W])))

    features = {"hand": hand_features(texts), "ngram": ngram_features(texts)}
    path, emb = cached_embeddings(texts, a.cache)
    if emb is None:
        sys.exit("no cache file in %s holds all %d queries at 128 tokens: run ./zooter bench --suite alpacaeval once"
                 % (a.cache, st.n))
    print("MiniLM embeddings from", path)
    features["minilm"] = unit(emb)
    features["minilm+hand"] = np.hstack([features["minilm"], features["hand"]])
    for spec in a.extra:
        name, f = spec.split("=", 1)
        features[name] = unit(np.load(f))

    if a.command == "stats":
        for m, model in enumerate(POOL):
            print("  %-22s AE1 %.4f  per subset %s" % (model, st.macro(S[:, m]),
                                                   " ".join("%.3f" % S[st.si == s, m].mean() for s in range(5))))
        print("  per-query oracle %.4f; AE2 argmax (all 6 answer) %.4f"
              % (st.macro(S.max(1)), st.macro(S[np.arange(st.n), R.argmax(1)])))
        oracle = np.array([S[st.si == s].mean(0).argmax() for s in st.si])
        d = st.routed(oracle) - S[:, W]
        print("  dataset oracle (best per subset on the test rows) %.4f, minus wizardlm %+.4f (SE %.4f)"
              % (st.macro(st.routed(oracle)), st.macro(d), st.macro_se(d)))
        for seed in SEEDS:
            c = np.full(st.n, W)
            for tr, te in st.folds(seed):
                for s in range(5):
                    c[te[st.si[te] == s]] = S[tr[st.si[tr] == s]].mean(0).argmax()
            d = st.routed(c) - S[:, W]
            print("  subset KNOWN, its best model on the training rows, seed %d: %.4f, minus wizardlm %+.4f (SE %.4f)"
                  % (seed, st.macro(st.routed(c)), st.macro(d), st.macro_se(d)))
        for s in range(5):
            rows = st.si == s
            print("  %-13s n=%3d  per model minus wizardlm: %s" % (SUBSETS[s], rows.sum(), " ".join(
                "%s %+.3f±%.3f" % (POOL[m].split("-")[0], (S[rows, m] - S[rows, W]).mean(),
                                   (S[rows, m] - S[rows, W]).std(ddof=1) / np.sqrt(rows.sum()))
                for m in range(6) if m != W)))
        print("  correlation of the AE1 and AE2 differences to wizardlm, per row:",
              " ".join("%.2f" % np.corrcoef(st.targets["ae1"][:, m], st.targets["ae2"][:, m])[0, 1]
                       for m in range(6) if m != W))

    if a.command == "r2":
        print("out-of-fold R^2 (seed 42) of each model's difference to wizardlm, against the training rows' subset "
              "means (>0: text predicts beyond the subset); models in pool order without wizardlm")
        for fname, X in features.items():
            if fname == "hand":
                continue
            for tn in ("ae1", "ae2"):
                T = st.targets[tn]
                preds = [np.zeros_like(T) for _ in LAMS]
                base = np.zeros_like(T)
                for tr, te in st.folds(42):
                    for p, pr in zip(preds, ridge(X, tr, te, T, LAMS)):
                        p[te] = pr
                    for s in range(5):
                        base[te[st.si[te] == s]] = T[tr[st.si[tr] == s]].mean(0)
                best = max(LAMS, key=lambda l: np.mean([1 - ((preds[LAMS.index(l)][:, m] - T[:, m]) ** 2).sum()
                                                        / ((base[:, m] - T[:, m]) ** 2).sum() for m in range(6) if m != W]))
                p = preds[LAMS.index(best)]
                r2 = [1 - ((p[:, m] - T[:, m]) ** 2).sum() / ((base[:, m] - T[:, m]) ** 2).sum() for m in range(6) if m != W]
                print("  %-12s %s  lambda %-5s (the best here: optimistic) R^2 %s" % (fname, tn, best, " ".join("%+.3f" % r for r in r2)))

    if a.command == "nested":
        rows = []

        def report(name, choices):
            point, lo, hi, se = bootstrap(st, choices)
            scores = [st.macro(st.routed(c)) for c in choices]
            rows.append((name, np.mean(scores), np.std(scores), point, lo, hi, se))
            print("%-36s mean over seeds %.4f (sd %.4f), minus wizardlm %+.4f, 95%% CI [%+.4f, %+.4f], SE %.4f"
                  % rows[-1], flush=True)

        for fname, X in features.items():
            report("ridge gain, " + fname, nested_router(st, "ridge gain, " + fname,
                                                         lambda tr, te, T, g, X=X: ridge(X, tr, te, T, g), LAMS))
        for fname in ("minilm", "ngram"):
            X = features[fname]
            report("ridge gain 1-SE x2 inner, " + fname,
                   nested_router(st, "ridge gain 1-SE, " + fname, lambda tr, te, T, g, X=X: ridge(X, tr, te, T, g),
                                 LAMS, repeats=2, one_se=True))
            report("kNN gain, " + fname, nested_router(st, "kNN gain, " + fname,
                                                       lambda tr, te, T, g, X=X: knn(X, tr, te, T, g), KS))
            report("wizardlm-vs-oasst ridge, " + fname,
                   nested_router(st, "wizardlm-vs-oasst, " + fname, lambda tr, te, T, g, X=X: ridge(X, tr, te, T, g),
                                 LAMS, allowed=[W, O]))
        print("\nsummary (mean over seeds 42/43/44; CI: stratified bootstrap of queries, 2000 resamples)")
        for r in rows:
            print("  %-36s %.4f  minus wizardlm %+.4f  [%+.4f, %+.4f]" % (r[0], r[1], r[3], r[4], r[5]))

    if a.command == "aux":
        def every_model(name):
            rows = {r["id"]: r for r in csv.DictReader(open(os.path.join(a.data, name), newline=""))}
            cols = [c for c in next(iter(rows.values())) if c not in ("id", "dataset")]
            m = np.array([[float(rows[i][c]) if rows[i].get(c, "") != "" else np.nan for c in cols] for i in ids])
            return m[:, ~np.isnan(m).any(0)]

        a2 = np.clip(every_model("ae2_weighted_gpt4turbo_winprob_wide.csv"), 1e-4, 1 - 1e-4)
        l2 = np.log(a2 / (1 - a2))
        a1 = every_model("ae1_gpt4_winprob_wide.csv")
        aux = np.hstack([(l2 - l2.mean(1, keepdims=True)) / 4, a1 - a1.mean(1, keepdims=True)])
        print("auxiliary targets: %d judged models without blanks on these rows" % aux.shape[1])

        def lowrank(X, r):
            def predict(tr, te, T, grid):
                both = np.concatenate([tr, te])
                fit = ridge(X, tr, both, aux, [10])[0]          # the auxiliary judgements of the training rows only
                mu = fit[:len(tr)].mean(0)
                vt = np.linalg.svd(fit[:len(tr)] - mu, full_matrices=False)[2]
                z = (fit - mu) @ vt[:r].T
                z /= z[:len(tr)].std(0) + 1e-9
                Z = np.zeros((st.n, r))
                Z[both] = z
                return ridge(Z, tr, te, T, grid)
            return predict

        for fname in ("minilm", "ngram"):
            for r in (2, 5):
                name = "aux low-rank r=%d, %s" % (r, fname)
                choices = nested_router(st, name, lowrank(features[fname], r), [1, 10, 100, 1000])
                point, lo, hi, se = bootstrap(st, choices)
                print("%-36s mean over seeds %.4f, minus wizardlm %+.4f, 95%% CI [%+.4f, %+.4f], SE %.4f"
                      % (name, np.mean([st.macro(st.routed(c)) for c in choices]), point, lo, hi, se), flush=True)

    if a.command == "bound":
        rng = np.random.default_rng(1)

        def best_on_test(X):
            best = 0.0
            for tn in ("ae1", "ae2", "mix"):
                preds = [np.zeros((st.n, 6)) for _ in LAMS]
                for tr, te in st.folds(42):
                    for p, pr in zip(preds, ridge(X, tr, te, st.targets[tn], LAMS)):
                        p[te] = pr
                for p in preds:
                    for m in MARGINS[:-1]:
                        best = max(best, st.macro(st.routed(decide(p, m))))
            return best

        for fname in ("minilm", "ngram"):
            X = features[fname]
            real = best_on_test(X)
            null = []
            for _ in range(15):
                perm = np.arange(st.n)
                for s in range(5):
                    i = np.where(st.si == s)[0]
                    perm[i] = rng.permutation(i)
                null.append(best_on_test(X[perm]))
            null = np.array(null)
            print("  %-7s ridge, lambda/margin/target chosen ON TEST (seed 42): %.4f; text permuted within subsets "
                  "(15 draws): mean %.4f, sd %.4f, max %.4f" % (fname, real, null.mean(), null.std(), null.max()))


if __name__ == "__main__":
    main()
