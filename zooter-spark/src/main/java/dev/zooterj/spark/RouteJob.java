package dev.zooterj.spark;

import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.DecisionRows;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Routes queries with a router directory on Spark. Every executor JVM loads the router once ({@link RouterHolder});
 * each partition is routed in chunks of {@link DecisionRows#CHUNK} queries. {@link #decisions} reproduces
 * {@code zooter route --in/--out} bit for bit: it routes the same consecutive chunks of the input as the single-machine
 * command (an encoder's outputs move in the last bits with a batch's other texts), which costs one shuffle of the
 * queries' ids and texts so that no chunk straddles two partitions.
 */
public final class RouteJob {
    /** The columns a routed DataFrame gains. */
    public static final StructType DECISION_COLUMNS = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("probability", DataTypes.DoubleType, false)
            .add("entropy", DataTypes.DoubleType, false)
            .add("distribution", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), false);

    /** The schema of routed queries written as Parquet: id, then {@link #DECISION_COLUMNS}. */
    public static final StructType DECISIONS = new StructType().add("id", DataTypes.StringType, false)
            .add(DECISION_COLUMNS.fields()[0]).add(DECISION_COLUMNS.fields()[1]).add(DECISION_COLUMNS.fields()[2])
            .add(DECISION_COLUMNS.fields()[3]);

    /** One routed query, in input order. */
    public record Routed(long index, String id, String model, double probability, double entropy,
                         Map<String, Double> distribution, String row) implements Serializable {
        static Routed of(IndexedQuery q, RoutingDecision d) {
            return new Routed(q.index(), q.id(), d.model(), d.probability(), d.entropy(), d.distributionByModel(),
                    DecisionRows.line(q.id(), d));
        }

        /** id, model, probability, entropy, distribution (the {@link #DECISIONS} schema). */
        public Row toRow() {
            return RowFactory.create(id, model, probability, entropy, scalaMap(distribution));
        }
    }

    private RouteJob() {
    }

    /** Spark's row encoder takes a Scala map for a map column. */
    static scala.collection.Map<String, Double> scalaMap(Map<String, Double> m) {
        return scala.jdk.javaapi.CollectionConverters.asScala(m);
    }

    /**
     * Every query's decision, in input order, routed exactly as {@code zooter route} routes the same file: the i-th
     * chunk of {@link DecisionRows#CHUNK} queries (by {@link IndexedQuery#index()}) is one {@code Router.route} call.
     */
    public static JavaRDD<Routed> decisions(JavaRDD<IndexedQuery> queries, String routerDir) {
        RouterHolder.check(routerDir);
        long n = queries.count();
        if (n == 0) {
            return queries.map(q -> (Routed) null).filter(r -> false);
        }
        long chunks = (n + DecisionRows.CHUNK - 1) / DecisionRows.CHUNK;
        int parts = (int) Math.max(1, Math.min(queries.getNumPartitions(), chunks));
        JavaPairRDD<Long, IndexedQuery> aligned = queries.mapToPair(q -> new Tuple2<>(q.index(), q))
                .repartitionAndSortWithinPartitions(new ChunkPartitioner(parts, chunks));
        return aligned.mapPartitions(it -> new Chunked<>(it, t -> t._2(), routerDir));
    }

    /** {@link #decisions} as the decisions JSONL rows {@code zooter route} writes, in order. */
    public static JavaRDD<String> decisionRows(JavaRDD<IndexedQuery> queries, String routerDir) {
        return decisions(queries, routerDir).map(Routed::row);
    }

    /**
     * The DataFrame API: {@code df} with {@link #DECISION_COLUMNS} appended, routing the text in {@code queryColumn}
     * (a string column) in chunks of {@link DecisionRows#CHUNK} rows per partition. Rows keep their partitions and order;
     * the decisions equal {@code zooter route}'s up to the last bits of the probabilities (chunks are not aligned with
     * a file's; use {@link #decisions} for bit-for-bit rows).
     */
    public static Dataset<Row> route(Dataset<Row> df, String queryColumn, String routerDir) {
        RouterHolder.check(routerDir);
        StructType in = df.schema();
        int col = in.fieldIndex(queryColumn);
        if (!in.fields()[col].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + queryColumn + "' is " + in.fields()[col].dataType().simpleString()
                    + ", expected a string column of queries");
        }
        StructType out = in;
        for (var f : DECISION_COLUMNS.fields()) {
            out = out.add(f);
        }
        return df.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows -> {
            Router r = RouterHolder.get(routerDir);
            return new Batched<Row, Row>(rows, DecisionRows.CHUNK, chunk -> {
                List<String> texts = new ArrayList<>(chunk.size());
                for (Row row : chunk) {
                    if (row.isNullAt(col) || row.getString(col).isBlank()) {
                        throw new IllegalArgumentException("column '" + queryColumn + "': expected a non-empty query, got "
                                + (row.isNullAt(col) ? "null" : "a blank string") + " in row " + row);
                    }
                    texts.add(row.getString(col));
                }
                List<RoutingDecision> ds = r.route(texts);
                List<Row> routed = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    Row row = chunk.get(i);
                    RoutingDecision d = ds.get(i);
                    Object[] values = new Object[row.length() + 4];
                    for (int c = 0; c < row.length(); c++) {
                        values[c] = row.get(c);
                    }
                    values[row.length()] = d.model();
                    values[row.length() + 1] = d.probability();
                    values[row.length() + 2] = d.entropy();
                    values[row.length() + 3] = scalaMap(d.distributionByModel());
                    routed.add(RowFactory.create(values));
                }
                return routed;
            });
        }, Encoders.row(out));
    }

    /** Sends whole chunks of consecutive indices to one partition, partitions in index order. */
    static final class ChunkPartitioner extends Partitioner {
        private final int parts;
        private final long chunks;

        ChunkPartitioner(int parts, long chunks) {
            this.parts = parts;
            this.chunks = chunks;
        }

        @Override
        public int numPartitions() {
            return parts;
        }

        @Override
        public int getPartition(Object key) {
            long chunk = (Long) key / DecisionRows.CHUNK;
            return (int) Math.min(parts - 1, chunk * parts / chunks);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChunkPartitioner p && p.parts == parts && p.chunks == chunks;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(chunks) * 31 + parts;
        }
    }

    /** Routes a partition sorted by index one chunk (equal index / CHUNK) at a time. */
    static final class Chunked<T> implements Iterator<Routed> {
        private final Iterator<T> in;
        private final Function<T, IndexedQuery> query;
        private final String routerDir;
        private final List<Routed> buffer = new ArrayList<>();
        private int next;
        private IndexedQuery pending;

        Chunked(Iterator<T> in, Function<T, IndexedQuery> query, String routerDir) {
            this.in = in;
            this.query = query;
            this.routerDir = routerDir;
        }

        @Override
        public boolean hasNext() {
            if (next < buffer.size()) {
                return true;
            }
            buffer.clear();
            next = 0;
            List<IndexedQuery> chunk = new ArrayList<>();
            if (pending != null) {
                chunk.add(pending);
                pending = null;
            }
            while (in.hasNext()) {
                IndexedQuery q = query.apply(in.next());
                if (!chunk.isEmpty() && q.index() / DecisionRows.CHUNK != chunk.get(0).index() / DecisionRows.CHUNK) {
                    pending = q;
                    break;
                }
                chunk.add(q);
            }
            if (chunk.isEmpty()) {
                return false;
            }
            List<RoutingDecision> ds = RouterHolder.get(routerDir).route(chunk.stream().map(IndexedQuery::text).toList());
            for (int i = 0; i < chunk.size(); i++) {
                buffer.add(Routed.of(chunk.get(i), ds.get(i)));
            }
            return true;
        }

        @Override
        public Routed next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return buffer.get(next++);
        }
    }
}
