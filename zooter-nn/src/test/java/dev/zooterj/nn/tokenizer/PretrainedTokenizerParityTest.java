package dev.zooterj.nn.tokenizer;

import dev.zooterj.nn.encoder.PretrainedModel;
import dev.zooterj.nn.router.FrozenEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tokenizer json of every optional encoder (bge-small-en and e5-small: 30,522 lower-cased pieces; bge-small-zh:
 * 21,128 cased pieces, Chinese characters as single pieces) read by {@link WordPieceTokenizer#fromHuggingFaceJson}
 * gives Hugging Face's ids on the same file, for the parity cases plus Chinese, mixed and e5-prefixed texts.
 */
class PretrainedTokenizerParityTest {

    private static final List<String> MORE = List.of(
            "下列关于中国古代科举制度的说法，正确的是哪一项？",
            "已知函数 f(x) = x² + 2x，求 f(3) 的值。A. 15 B. 12 C. 9 D. 6",
            "在Python中，如何用 list comprehension 过滤 None？",
            "请用简洁的语言解释光合作用。（限100字）",
            "query: how much protein should a female eat",
            "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ １２３ and 〇一二",
            "The Über café in Zürich serves crème brûlée — ¿verdad?");

    @ParameterizedTest
    @ValueSource(strings = {"bge-small-en", "bge-small-zh", "e5-small"})
    void givesTheSameIdsAsHuggingFace(String name) throws IOException {
        PretrainedModel model = PretrainedModel.named(name);
        WordPieceTokenizer tokenizer = FrozenEncoder.tokenizer(model);
        assertTrue(tokenizer.identity().startsWith("wordpiece:" + name + ":sha256="), tokenizer.identity());
        List<String> texts = new ArrayList<>(ParityCases.all());
        texts.addAll(MORE);
        try (InputStream json = model.openTokenizer(); HuggingFaceReference reference = HuggingFaceReference.untruncated(json)) {
            int unknown = 0;
            for (String text : texts) {
                int[] expected = reference.ids(text);
                assertArrayEquals(expected, tokenizer.encode(text, 1_000_000), () -> name + ": " + text);
                for (int id : expected) {
                    unknown += id == tokenizer.unkId() ? 1 : 0;
                }
            }
            // Chinese text must be covered by real pieces, not [UNK], in the Chinese vocabulary
            if (name.equals("bge-small-zh")) {
                assertEquals(21128, tokenizer.vocabSize());
                for (String text : List.of(MORE.get(0), MORE.get(3))) {
                    for (int id : reference.ids(text)) {
                        assertTrue(id != tokenizer.unkId(), () -> "[UNK] in " + text);
                    }
                }
            }
            System.out.printf("%s: %d texts match Hugging Face (%d [UNK] ids)%n", name, texts.size(), unknown);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bge-small-en", "bge-small-zh", "e5-small"})
    void truncationKeepsTheFirstPiecesAndBothSpecials(String name) {
        WordPieceTokenizer tokenizer = FrozenEncoder.tokenizer(PretrainedModel.named(name));
        String text = MORE.get(1) + " " + ParityCases.all().get(0);
        int[] full = tokenizer.encode(text, 1_000_000);
        int[] cut = tokenizer.encode(text, 8);
        assertEquals(8, cut.length);
        for (int i = 0; i < 7; i++) {
            assertEquals(full[i], cut[i]);
        }
        assertEquals(full[full.length - 1], cut[7]);
    }
}
