package dev.zooterj.gateway.collect;

/**
 * How {@link Collector} runs.
 *
 * @param temperature  sampling temperature of the candidates' answers (paper: 0.7)
 * @param maxTokens    most tokens per answer (paper: 2048)
 * @param retry        retries and back-off for every request (generation, scoring, tagging)
 * @param concurrency  most requests in flight per backend; 0 means each backend's own {@code maxConcurrent}, and a
 *                     positive value can only lower that
 * @param reuseJournal use a journal written for other settings (other queries, models, scorer, tagger or generation
 *                     settings): entries that still match are kept and the rest is redone. Without it such a journal
 *                     is refused, since pointing at the wrong journal would otherwise pay for everything again.
 */
public record CollectConfig(double temperature, int maxTokens, RetryPolicy retry, int concurrency, boolean reuseJournal) {
    public CollectConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0 (0: each backend's maxConcurrent), got " + concurrency);
        }
    }

    /** The paper's generation settings (temperature 0.7, 2048 tokens) and {@link RetryPolicy#defaults()}. */
    public static CollectConfig paper() {
        return new CollectConfig(0.7, 2048, RetryPolicy.defaults(), 0, false);
    }

    public CollectConfig withRetry(RetryPolicy r) {
        return new CollectConfig(temperature, maxTokens, r, concurrency, reuseJournal);
    }

    public CollectConfig withConcurrency(int c) {
        return new CollectConfig(temperature, maxTokens, retry, c, reuseJournal);
    }

    public CollectConfig withReuseJournal(boolean reuse) {
        return new CollectConfig(temperature, maxTokens, retry, concurrency, reuse);
    }

    /** The generation settings as recorded in the journal: answers made with other settings are not reused. */
    String generationIdentity() {
        return "temperature=" + temperature + ",max_tokens=" + maxTokens;
    }
}
