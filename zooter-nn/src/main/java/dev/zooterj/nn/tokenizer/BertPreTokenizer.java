package dev.zooterj.nn.tokenizer;

/**
 * The Hugging Face {@code BertPreTokenizer}: words are separated by whitespace (which is dropped) and every
 * punctuation character is a word of its own.
 */
final class BertPreTokenizer {

    /** Receives one word {@code text[start, end)}; returns false to stop the split early (truncation reached). */
    @FunctionalInterface
    interface WordConsumer {
        boolean accept(String text, int start, int end);
    }

    private BertPreTokenizer() {
    }

    /** Splits {@code text[from, to)} into words, in order; returns false if the consumer asked to stop. */
    static boolean split(String text, int from, int to, WordConsumer words) {
        int wordStart = -1;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (BertCharacters.isWhitespace(cp)) {
                if (wordStart >= 0 && !words.accept(text, wordStart, i)) {
                    return false;
                }
                wordStart = -1;
            } else if (BertCharacters.isPunctuation(cp)) {
                if (wordStart >= 0 && !words.accept(text, wordStart, i)) {
                    return false;
                }
                wordStart = -1;
                if (!words.accept(text, i, next)) {
                    return false;
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        return wordStart < 0 || words.accept(text, wordStart, to);
    }
}
