package dev.zooterj.spark;

import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.DatasetFormatException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads queries from JSONL (the project's contract) or Parquet (columns id and query, or messages). */
public final class Inputs {
    private Inputs() {
    }

    /** Parquet when the path ends in .parquet or names a directory of .parquet part files; JSONL otherwise. */
    public static boolean isParquet(JavaSparkContext sc, String in) {
        if (in.endsWith(".parquet")) {
            return true;
        }
        List<String> files = Lines.files(sc, in);
        return files.stream().allMatch(f -> f.endsWith(".parquet"));
    }

    /** The queries of {@code in} with their input positions; a bad row fails naming its file, line (or id) and field. */
    public static JavaRDD<IndexedQuery> queries(SparkSession spark, String in) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (!isParquet(sc, in)) {
            return Lines.read(sc, in).map(IndexedQuery::of);
        }
        Dataset<Row> df = spark.read().parquet(in);
        StructType schema = df.schema();
        if (!Arrays.asList(schema.fieldNames()).contains("id")) {
            throw new IllegalArgumentException(in + ": no column 'id' (columns: " + String.join(", ", schema.fieldNames()) + ")");
        }
        String textColumn = Arrays.asList(schema.fieldNames()).contains("query") ? "query"
                : Arrays.asList(schema.fieldNames()).contains("instruction") ? "instruction" : null;
        boolean messages = Arrays.asList(schema.fieldNames()).contains("messages");
        if (textColumn == null && !messages) {
            throw new IllegalArgumentException(in + ": no column 'query' (or 'instruction', or 'messages'); columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        Dataset<Row> picked = df.select(functions.col("id").cast("string").as("id"),
                textColumn == null ? functions.lit(null).cast("string").as("text") : functions.col(textColumn).cast("string").as("text"),
                messages ? functions.col("messages") : functions.lit(null).as("messages"),
                functions.input_file_name().as("file"));
        return picked.javaRDD().zipWithIndex().map(t -> fromParquet(t._1(), t._2()));
    }

    private static IndexedQuery fromParquet(Row r, long index) {
        String file = r.getString(3);
        String id = r.isNullAt(0) ? null : r.getString(0);
        if (id == null) {
            throw new DatasetFormatException(Path.of(file), 0, "id", "row " + (index + 1) + " of the input: missing: expected a string");
        }
        String text = r.isNullAt(1) ? null : r.getString(1);
        if (text != null && !text.isBlank()) {
            return new IndexedQuery(index, id, text);
        }
        if (!r.isNullAt(2)) {
            List<ChatMessage> turns = new ArrayList<>();
            for (Object o : r.getList(2)) {
                Row m = (Row) o;
                String role = m.getAs("role");
                String content = m.getAs("content");
                if (role != null && content != null) {
                    turns.add(new ChatMessage(role, content));
                }
            }
            String first = RewardRecord.firstUserTurn(turns);
            if (first != null && !first.isBlank()) {
                return new IndexedQuery(index, id, first);
            }
            throw new DatasetFormatException(Path.of(file), 0, "messages", "row with id '" + id + "': expected a non-empty turn with role 'user'");
        }
        throw new DatasetFormatException(Path.of(file), 0, "query", "row with id '" + id
                + "': missing or empty: expected a non-empty string (or 'messages')");
    }

    /** Fails like {@code zooter route} when two rows share an id, naming both places. */
    public static void checkUniqueIds(JavaRDD<Lines.Line> lines) {
        List<Tuple2<String, String>> dup = lines
                .mapToPair(l -> new Tuple2<>(IndexedQuery.of(l).id(), new Place(l.file(), l.line(), l.index())))
                .reduceByKey((a, b) -> a.index() <= b.index() ? a.withSecond(b) : b.withSecond(a))
                .filter(t -> t._2().second() != null)
                .map(t -> new Tuple2<>(t._1(), t._2().describe(t._1())))
                .take(1);
        if (!dup.isEmpty()) {
            throw new IllegalArgumentException(dup.get(0)._2());
        }
    }

    /** Where an id first occurs, and a second place if any (the earliest after it is not needed: one suffices). */
    record Place(String file, long line, long index, Place second) implements java.io.Serializable {
        Place(String file, long line, long index) {
            this(file, line, index, null);
        }

        Place withSecond(Place other) {
            Place s = second == null || other.index() < second.index() ? other : second;
            return new Place(file, line, index, new Place(s.file(), s.line(), s.index()));
        }

        String describe(String id) {
            return second.file() + ":" + second.line() + ": field 'id': duplicate id '" + id + "' (first on "
                    + (second.file().equals(file) ? "line " + line : file + ":" + line) + ")";
        }
    }
}
