package dev.zooterj.core.routing;

import java.util.List;

/**
 * The learned half of a router: reads queries and estimates, per candidate, a distribution or expected scores. An
 * {@link EstimatingRouter} pairs it with a {@link Policy}. Implementations are thread-safe.
 */
public interface Estimator {
    /** Candidate names, in the order of every estimate's values. */
    List<String> models();

    /** One estimate per query, in order; implementations batch the encoder. */
    List<Estimate> estimate(List<String> queries);
}
