package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * A way to answer a query with a pool of models: route to one (Zooter, kNN, random, best single), or let
 * all answer and pick one (reward-model ranking, oracle). Evaluations compare them through this one type.
 */
public interface EnsembleMethod {
    /** Short name used in reports and {@code results.json}, e.g. {@code zooter}, {@code bma}, {@code rmr}. */
    String name();

    Selection select(RewardRecord record);

    /** Selects for many records; router-backed methods override it to batch the encoder. */
    default List<Selection> selectAll(List<RewardRecord> records) {
        List<Selection> out = new ArrayList<>(records.size());
        for (RewardRecord r : records) {
            out.add(select(r));
        }
        return out;
    }
}
