package dev.zooterj.spark;

import dev.zooterj.data.DecisionRows;
import dev.zooterj.nn.router.EncoderEmbedder;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Embeds queries with a frozen pretrained encoder, {@link DecisionRows#CHUNK} texts per encoder call. */
public final class EmbedJob {
    /** id, embedding (array of float). */
    public static final StructType EMBEDDINGS = new StructType().add("id", DataTypes.StringType, false)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    /** One query's pooled embedding. */
    public record Embedded(long index, String id, float[] embedding) implements Serializable {
        /** {@code {"id": ..., "embedding": [...]}}. */
        public String json() {
            StringBuilder sb = new StringBuilder(embedding.length * 12 + 32);
            sb.append("{\"id\":").append(Json.quote(id)).append(",\"embedding\":[");
            for (int i = 0; i < embedding.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(embedding[i]);
            }
            return sb.append("]}").toString();
        }

        public Row toRow() {
            Float[] boxed = new Float[embedding.length];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = embedding[i];
            }
            return RowFactory.create(id, boxed);
        }
    }

    private EmbedJob() {
    }

    /** Every query's embedding, in input order. */
    public static JavaRDD<Embedded> embed(JavaRDD<IndexedQuery> queries, String encoder, int maxTokens) {
        return queries.mapPartitions(it -> {
            EncoderEmbedder e = EncoderHolder.embedder(encoder, maxTokens);
            return new Batched<>(it, DecisionRows.CHUNK, chunk -> {
                float[][] v = e.embed(chunk.stream().map(IndexedQuery::text).toList());
                List<Embedded> out = new ArrayList<>(chunk.size());
                for (int i = 0; i < v.length; i++) {
                    out.add(new Embedded(chunk.get(i).index(), chunk.get(i).id(), v[i]));
                }
                return out;
            });
        });
    }
}
