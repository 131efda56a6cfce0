package dev.zooterj.nn.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link WordPieceTokenizer#fromHuggingFaceJson} on BERT-style configurations other than MiniLM's (cased, no
 * accent stripping, no cleaning, a normalized added token), each compared with Hugging Face on the same JSON.
 * Only MiniLM's file ships with the project, so the variants are edits of it.
 */
class OtherConfigurationsParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"cased", "strip accents only", "everything off", "normalized added token"})
    void variantGivesTheSameIdsAsHuggingFace(String variant) throws IOException {
        byte[] json = JSON.writeValueAsBytes(variant(variant));
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromHuggingFaceJson("variant", stream(json));
        List<String> texts = new ArrayList<>(ParityCases.all());
        texts.addAll(List.of("I love ZooTer and zooter, ZOOTER!", "prefixZooTersuffix", "Zoo Ter"));
        try (HuggingFaceReference reference = HuggingFaceReference.untruncated(stream(json))) {
            for (String text : texts) {
                assertArrayEquals(reference.ids(text), tokenizer.encode(text, 1_000_000), () -> variant + ": " + text);
            }
        }
    }

    private static ObjectNode variant(String name) throws IOException {
        ObjectNode json;
        try (InputStream in = WordPieceTokenizer.class.getResourceAsStream(WordPieceTokenizer.MINI_LM_RESOURCE)) {
            json = (ObjectNode) JSON.readTree(in);
        }
        ObjectNode normalizer = (ObjectNode) json.get("normalizer");
        switch (name) {
            case "cased" -> normalizer.put("lowercase", false);
            case "strip accents only" -> normalizer.put("lowercase", false).put("strip_accents", true);
            case "everything off" -> normalizer.put("clean_text", false).put("handle_chinese_chars", false)
                    .put("strip_accents", false).put("lowercase", false);
            case "normalized added token" -> json.withArray("added_tokens").addObject()
                    .put("id", 1).put("content", "ZooTer").put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", true).put("special", false);
            default -> throw new IllegalArgumentException("unknown variant " + name);
        }
        return json;
    }

    private static InputStream stream(byte[] json) {
        return new ByteArrayInputStream(json);
    }
}
