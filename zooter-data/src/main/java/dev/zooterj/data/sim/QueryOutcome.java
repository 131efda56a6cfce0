package dev.zooterj.data.sim;

/**
 * What happened when every candidate answered one query, as only the simulator knows it.
 *
 * @param quality          latent true answer quality per model (standard units, higher is better)
 * @param referenceQuality latent quality of the benchmark's reference answer (AlpacaEval compares with it)
 * @param outputTokens     answer length per model in tokens, the record's cost
 */
record QueryOutcome(double[] quality, double referenceQuality, double[] outputTokens) {
}
