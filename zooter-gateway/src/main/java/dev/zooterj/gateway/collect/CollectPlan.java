package dev.zooterj.gateway.collect;

/**
 * What a run found in its journal and has left to do.
 *
 * @param pairsDone     (query, candidate) pairs already answered and scored
 * @param toGenerate    pairs with no answer yet (generate, then score)
 * @param toScore       pairs whose answer is journaled but not scored (score only; no second generation)
 * @param toTag         queries still to tag (0 without a tagger)
 * @param staleEntries  journal entries that no longer match the queries or settings and were ignored (only with
 *                      reuse, since a journal for other settings is otherwise refused)
 */
public record CollectPlan(int queries, int candidates, int pairsDone, int toGenerate, int toScore, int toTag,
                          Journal.Replay journal, int staleEntries) {
    /** Pairs that need any work in this run. */
    public int pairsToDo() {
        return toGenerate + toScore;
    }
}
