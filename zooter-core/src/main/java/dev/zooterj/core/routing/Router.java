package dev.zooterj.core.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks one candidate model for a query by reading the query alone. Implementations are thread-safe:
 * a gateway calls {@link #route(String)} from many threads at once.
 */
public interface Router {
    /** Candidate names, in the order of every decision's distribution. */
    List<String> models();

    RoutingDecision route(String query);

    /** Routes many queries; learned routers override this to batch the encoder. */
    default List<RoutingDecision> route(List<String> queries) {
        List<RoutingDecision> out = new ArrayList<>(queries.size());
        for (String q : queries) {
            out.add(route(q));
        }
        return out;
    }
}
