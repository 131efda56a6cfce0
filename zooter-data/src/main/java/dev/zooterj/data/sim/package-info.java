/**
 * A simulated model zoo: a seeded generator of a realistic routing dataset for tests and the demo.
 *
 * <p>Nothing here is a real model's output. Fictional candidate models have latent expertise per query
 * domain and per fine-grained tag; each generated query gets a latent true quality per model, from which a
 * noisy reward model gives the training signal ({@code rewards}) and a noisy benchmark judge gives the
 * evaluation metric ({@code scores}) on the scale of the paper's 26 evaluation subsets
 * ({@link dev.zooterj.data.sim.PaperLayout}). Expertise is complementary on purpose, so that routing has
 * real headroom over the best single model, and tags are informative on purpose, so that tag-based label
 * enhancement has something to find. Evaluation queries are written in a held-out paraphrase of the vocabulary
 * ({@code Phrasing}), so none repeats a training query and a router is measured on what it generalises, not on what
 * it recalls ({@link dev.zooterj.data.sim.SimulatedZoo#overlap()} counts what is left in common).
 *
 * <p>Everything is a pure function of {@link dev.zooterj.data.sim.SimulatedZoo.Config}: the same seed gives
 * equal datasets.
 */
package dev.zooterj.data.sim;
