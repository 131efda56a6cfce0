package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardRecord;

/**
 * Running totals of what an ensemble method spends: LLM generations, and cost where records carry it.
 * Not thread-safe; one account per evaluation.
 */
public final class CostAccount {
    private long queries;
    private long generations;
    private double cost;
    private long queriesWithCost;

    public void add(RewardRecord record, Selection selection) {
        queries++;
        generations += selection.generations();
        if (record.cost() != null) {
            cost += selection.expectedCost(record.cost());
            queriesWithCost++;
        }
    }

    public long queries() {
        return queries;
    }

    public double generationsPerQuery() {
        return queries == 0 ? 0 : (double) generations / queries;
    }

    /** Mean cost per query over the queries that carry cost; NaN when none did. */
    public double costPerQuery() {
        return queriesWithCost == 0 ? Double.NaN : cost / queriesWithCost;
    }

    public double totalCost() {
        return cost;
    }

    public boolean hasCost() {
        return queriesWithCost > 0;
    }
}
