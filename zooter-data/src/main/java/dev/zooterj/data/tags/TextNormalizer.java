package dev.zooterj.data.tags;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one text normalisation that tagging, keyword extraction and decontamination share: Unicode NFKC, lower case,
 * and every run of characters that are not letters or digits treated as a word break (so punctuation is stripped and
 * {@code "SQL-join,"} gives {@code sql}, {@code join}). Scripts written without spaces (Han, Hiragana, Katakana) have
 * each character as its own word, so a Chinese clause is not one giant "word": n-grams over them are character
 * n-grams, and {@link #contentWords} names them by character bigrams.
 */
public final class TextNormalizer {
    /** Common English function words, left out of keywords and cluster names (never out of n-grams). */
    public static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
            "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
            "does", "doing", "down", "during", "each", "few", "for", "from", "further", "give", "had", "has", "have",
            "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its",
            "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
            "or", "other", "our", "ours", "out", "over", "own", "please", "same", "she", "should", "so", "some", "such",
            "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to",
            "too", "under", "until", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while",
            "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "s", "t", "let", "following",
            "write", "make", "use", "using", "one", "two", "get", "like", "need", "want", "know", "tell", "answer",
            "question", "given", "find");

    /**
     * Chinese character bigrams as empty as English stop words (question boilerplate such as 下列 "the following",
     * 答案 "answer", 的是 "... is"), left out of keywords and cluster names.
     */
    public static final Set<String> CJK_STOP_BIGRAMS = Set.of(
            "的是", "答案", "下列", "以下", "下面", "哪个", "哪些", "哪一", "选项", "正确", "错误", "的一", "一个", "是一",
            "什么", "问题", "关于", "可以", "我们", "不是", "这个", "如果", "因为", "所以", "其中", "中的", "属于", "说法",
            "描述", "表述", "选择", "的说", "是什", "列哪", "于下", "项是", "确的", "误的", "的选", "个是", "不正", "是指",
            "的答", "案是", "是正", "是错", "之一");

    private TextNormalizer() {
    }

    /** The normalised words of a text, in order (stop words included). */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            // combining marks (Devanagari vowel signs, viramas, ...) belong to the word they follow
            boolean word = Character.isLetterOrDigit(cp) || start >= 0 && isMark(cp);
            if (word && isUnspacedScript(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
                out.add(s.substring(i, i + len));
            } else if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
            i += len;
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /**
     * Words that can name a tag: not stop words, at least two characters, and not only digits. Runs of unspaced-script
     * characters give their overlapping character bigrams instead (a lone such character gives nothing).
     */
    public static List<String> contentWords(String text) {
        List<String> out = new ArrayList<>();
        String prevUnspaced = null;
        for (String w : words(text)) {
            if (isUnspacedScript(w.codePointAt(0))) {
                if (prevUnspaced != null && !CJK_STOP_BIGRAMS.contains(prevUnspaced + w)) {
                    out.add(prevUnspaced + w);
                }
                prevUnspaced = w;
                continue;
            }
            prevUnspaced = null;
            if (isContentWord(w)) {
                out.add(w);
            }
        }
        return out;
    }

    public static boolean isContentWord(String w) {
        if (w.length() < 2 || STOP_WORDS.contains(w)) {
            return false;
        }
        for (int i = 0; i < w.length(); i++) {
            if (!Character.isDigit(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
    }

    /** Han, Hiragana and Katakana: scripts written without spaces between words. */
    static boolean isUnspacedScript(int cp) {
        Character.UnicodeScript sc = Character.UnicodeScript.of(cp);
        return sc == Character.UnicodeScript.HAN || sc == Character.UnicodeScript.HIRAGANA
                || sc == Character.UnicodeScript.KATAKANA;
    }
}
