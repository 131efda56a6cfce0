package dev.zooterj.gateway.collect;

import java.time.Duration;
import java.util.List;

/**
 * How a collect run ended.
 *
 * @param stopped           the run was stopped; nothing but the journal was written, and a rerun continues it
 * @param rowsWritten       dataset rows written: the queries with every pair scored (and tagged, with a tagger)
 * @param generated         answers generated in this run
 * @param scored            answers scored in this run
 * @param tagged            queries tagged in this run
 * @param retries           requests retried
 * @param invalidOutputs    replies that held no valid score or tag list (each retried or, at the end, a failure)
 * @param failures          steps that gave up, in query then candidate order
 * @param incompleteQueries ids of the queries left out of the dataset, in query order
 * @param notes             remarks for the report (e.g. why costs were left out); may be empty
 */
public record CollectResult(CollectPlan plan, boolean stopped, int rowsWritten, int generated, int scored, int tagged,
                            int retries, int invalidOutputs, List<CollectFailure> failures,
                            List<String> incompleteQueries, List<String> notes, Duration elapsed) {
    /** Every query made it into the dataset. */
    public boolean complete() {
        return !stopped && incompleteQueries.isEmpty();
    }
}
