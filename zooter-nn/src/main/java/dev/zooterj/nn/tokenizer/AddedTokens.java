package dev.zooterj.nn.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Tokens of the JSON's {@code added_tokens} list (for BERT: [PAD], [UNK], [CLS], [SEP], [MASK]) that are recognised
 * verbatim in the text before WordPiece sees it, so "[MASK]" in a query is one token, as in Hugging Face.
 * Matching is leftmost-longest, like the Aho-Corasick automaton of the Rust implementation. The token lists are
 * short, so a scan that only looks closer at characters that start some token is fast enough.
 */
final class AddedTokens {

    /** One token of the list: its exact text and id. */
    record Token(String content, int id) {
    }

    /** A token found in {@code text[start, end)}. */
    record Match(int start, int end, int id) {
    }

    private final Token[] longestFirst;
    private final String firstChars;

    AddedTokens(List<Token> tokens) {
        List<Token> sorted = new ArrayList<>(tokens);
        sorted.removeIf(t -> t.content().isEmpty());
        sorted.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
        this.longestFirst = sorted.toArray(Token[]::new);
        StringBuilder first = new StringBuilder();
        for (Token t : longestFirst) {
            if (first.indexOf(t.content().substring(0, 1)) < 0) {
                first.append(t.content().charAt(0));
            }
        }
        this.firstChars = first.toString();
    }

    /** Whether some token contains {@code c}. */
    boolean anyContains(char c) {
        for (Token t : longestFirst) {
            if (t.content().indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The leftmost (then longest) token in {@code text[from, to)}, or null. */
    Match find(String text, int from, int to) {
        if (firstChars.isEmpty()) {
            return null; // no added tokens at all
        }
        for (int i = from; i < to; i++) {
            if (firstChars.indexOf(text.charAt(i)) < 0) {
                continue;
            }
            for (Token t : longestFirst) {
                int end = i + t.content().length();
                if (end <= to && text.startsWith(t.content(), i)) {
                    return new Match(i, end, t.id());
                }
            }
        }
        return null;
    }
}
