package dev.zooterj.nn.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * Greedy longest-match-first WordPiece, as the Hugging Face {@code WordPiece} model: a word is cut into the longest
 * vocabulary prefix, then the longest continuation piece ({@code ##...}) of the rest, and so on; a word that cannot
 * be covered completely, or that has more than {@code maxInputCharsPerWord} code points, becomes one unknown token.
 *
 * <p>Continuation pieces live in their own map keyed without the prefix, so a lookup needs one substring and no
 * concatenation; candidates are never longer than the longest key, which bounds the work on long words.
 * Immutable after construction, hence safe to share between threads.
 */
final class WordPieceModel {
    private final HashMap<String, Integer> wordStarts;
    private final HashMap<String, Integer> continuations;
    private final int longestWordStart;
    private final int longestContinuation;
    private final int unkId;
    private final int maxInputCharsPerWord;

    WordPieceModel(Map<String, Integer> vocab, String continuingSubwordPrefix, int unkId, int maxInputCharsPerWord) {
        this.wordStarts = new HashMap<>(vocab);
        this.continuations = new HashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey().startsWith(continuingSubwordPrefix)) {
                continuations.put(e.getKey().substring(continuingSubwordPrefix.length()), e.getValue());
            }
        }
        this.longestWordStart = longestKey(wordStarts);
        this.longestContinuation = longestKey(continuations);
        this.unkId = unkId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
    }

    /** Appends the pieces of the word {@code text[start, end)} to {@code out}. */
    void tokenize(String text, int start, int end, IdBuffer out) {
        // UTF-16 length bounds the code point count, so the count is only needed for long words
        if (end - start > maxInputCharsPerWord && text.codePointCount(start, end) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int wordMark = out.size();
        int pos = start;
        while (pos < end) {
            int pieceEnd = appendLongestPiece(text, pos, end, pos > start, out);
            if (pieceEnd < 0) {
                out.truncate(wordMark); // the whole word, not just the rest, becomes [UNK]
                out.add(unkId);
                return;
            }
            pos = pieceEnd;
        }
    }

    /** Appends the id of the longest piece starting at {@code pos}; returns where it ends, or -1 if none exists. */
    private int appendLongestPiece(String text, int pos, int end, boolean continuation, IdBuffer out) {
        HashMap<String, Integer> pieces = continuation ? continuations : wordStarts;
        int candidateEnd = Math.min(end, pos + (continuation ? longestContinuation : longestWordStart));
        if (splitsSurrogatePair(text, candidateEnd)) {
            candidateEnd--;
        }
        while (candidateEnd > pos) {
            Integer id = pieces.get(text.substring(pos, candidateEnd));
            if (id != null) {
                out.add(id);
                return candidateEnd;
            }
            candidateEnd = text.offsetByCodePoints(candidateEnd, -1);
        }
        return -1;
    }

    private static boolean splitsSurrogatePair(String text, int index) {
        return index > 0 && index < text.length()
                && Character.isHighSurrogate(text.charAt(index - 1)) && Character.isLowSurrogate(text.charAt(index));
    }

    private static int longestKey(Map<String, Integer> map) {
        int longest = 0;
        for (String key : map.keySet()) {
            longest = Math.max(longest, key.length());
        }
        return longest;
    }
}
