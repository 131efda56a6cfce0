package dev.zooterj.spark;

import dev.zooterj.data.DecisionRows;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The route job's partitioner keeps each routing chunk whole and the partitions in input order. */
class ChunkPartitionerProperties {
    @Property
    void chunksStayWholeAndPartitionsFollowTheInputOrder(@ForAll @LongRange(min = 1, max = 5_000_000) long n,
                                                         @ForAll @IntRange(min = 1, max = 400) int parts) {
        long chunks = (n + DecisionRows.CHUNK - 1) / DecisionRows.CHUNK;
        int p = (int) Math.max(1, Math.min(parts, chunks));
        RouteJob.ChunkPartitioner partitioner = new RouteJob.ChunkPartitioner(p, chunks);
        int previous = 0;
        for (long c = 0; c < chunks; c++) {
            int first = partitioner.getPartition(c * DecisionRows.CHUNK);
            long lastIndex = Math.min(n, (c + 1) * DecisionRows.CHUNK) - 1;
            assertEquals(first, partitioner.getPartition(lastIndex), "chunk " + c + " is split");
            assertTrue(first >= previous && first < p, "chunk " + c + " goes to partition " + first + " after " + previous);
            previous = first;
        }
        assertEquals(p - 1, previous, "the last partition holds the last chunk");
        assertEquals(0, partitioner.getPartition(0L));
    }
}
