package dev.zooterj.core.routing;

import java.util.ArrayList;
import java.util.List;

/** The {@link Estimator} behind any {@link Router}, so policies apply to every router kind. */
public final class Estimators {
    private Estimators() {
    }

    /**
     * The router's own estimator when it has one (an {@link EstimatingRouter}, or a router that is an estimator);
     * otherwise its decisions' distributions, read as {@link Estimate.Kind#DISTRIBUTION}.
     */
    public static Estimator of(Router router) {
        if (router instanceof EstimatingRouter er) {
            return er.estimator();
        }
        if (router instanceof Estimator e) {
            return e;
        }
        return new Estimator() {
            @Override
            public List<String> models() {
                return router.models();
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                List<Estimate> out = new ArrayList<>(queries.size());
                for (RoutingDecision d : router.route(queries)) {
                    out.add(Estimate.distribution(d.models(), d.distribution()));
                }
                return out;
            }
        };
    }
}
