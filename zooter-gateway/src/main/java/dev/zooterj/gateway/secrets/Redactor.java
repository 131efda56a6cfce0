package dev.zooterj.gateway.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The one place where secrets are taken out of text the process writes or returns. It holds every secret the process
 * knows of: each backend's API key (registered when a backends file is loaded and whenever a key is read from its
 * {@code apiKeyEnv} variable) and the secret parts of reward and judge URLs (query values, user info, token-like path
 * segments; see {@link #addUrl}). Everything that leaves the process passes through {@link #redact}: the gateway's log
 * ({@link RedactingLogger}), the error bodies and answers it relays, collect's journal, failures file, answers and
 * reports, and the CLI's error lines.
 *
 * <p>What is replaced by {@value #MARK}:
 * <ul>
 *   <li>every occurrence of a secret, also URL-encoded;</li>
 *   <li>partial forms that providers print when they refuse a key, e.g. {@code sk-abc1...wxyz},
 *   {@code sk-proj-*****wxyz} or {@code ****wxyz}: a token holding a mask ({@code *}, {@code …}, {@code •} or two
 *   or more dots) whose visible start is a prefix of a secret and whose visible end is a suffix of it, showing at least
 *   {@value #MIN_VISIBLE} of its characters.</li>
 * </ul>
 * Values shorter than {@value #MIN_SECRET} characters are not treated as secrets: they are placeholders such as
 * {@code EMPTY}, which vLLM accepts as a key, and replacing such a word everywhere would garble output without hiding
 * anything.
 *
 * <p>Thread-safe. Secrets are only ever added.
 */
public final class Redactor {
    /** What a secret is replaced by. */
    public static final String MARK = "[REDACTED]";
    /** Shortest value treated as a secret. */
    public static final int MIN_SECRET = 8;
    /** Fewest characters of a secret that a partial form must show to be redacted. */
    public static final int MIN_VISIBLE = 4;
    private static final Redactor GLOBAL = new Redactor();
    /** Query parameters whose value is a secret whatever it looks like. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i).*(key|code|token|secret|sig|signature|password|passwd|pwd|auth|credential|session).*");
    private static final Pattern TOKEN_RUN = Pattern.compile("[A-Za-z0-9]{16,}");
    private static final String TOKEN_BREAKS = " \t\r\n\"'`()[]{}<>,;:=|\\";

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** A redactor of its own (tests); the process uses {@link #global()}. */
    public Redactor() {
    }

    /** The process's redactor: every secret the process holds is registered here. */
    public static Redactor global() {
        return GLOBAL;
    }

    /** {@code global().redact(text)}. */
    public static String redact(String text) {
        return GLOBAL.apply(text);
    }

    /**
     * Registers a secret (an API key). Values shorter than {@value #MIN_SECRET} characters, blank or null are ignored
     * (see the class comment). Its URL-encoded form is registered too.
     */
    public void addSecret(String secret) {
        if (secret == null) {
            return;
        }
        String s = secret.strip();
        if (s.length() < MIN_SECRET) {
            return;
        }
        addExact(s);
        addExact(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }

    private synchronized void addExact(String s) {
        if (!secrets.contains(s)) {
            // Longest first, so that a secret that contains another is replaced whole.
            List<String> next = new ArrayList<>(secrets);
            next.add(s);
            next.sort(Comparator.comparingInt(String::length).reversed());
            secrets.clear();
            secrets.addAll(next);
        }
    }

    /**
     * Registers the secret parts of a URL: user info, every query value (raw and decoded) whose parameter name says
     * it is a secret ({@code code}, {@code key}, {@code token}, {@code sig}, ...) or that looks like a token, a bare
     * query with no {@code =}, the fragment, and path segments that look like tokens (a run of 16 or more letters and
     * digits holding both). Model names such as {@code Meta-Llama-3-70B-Instruct} do not look like tokens.
     */
    public void addUrl(URI url) {
        if (url == null) {
            return;
        }
        if (url.getRawUserInfo() != null) {
            addSecret(url.getRawUserInfo());
            addSecret(url.getUserInfo());
            int colon = url.getRawUserInfo().indexOf(':');
            if (colon >= 0) {
                addSecret(url.getRawUserInfo().substring(colon + 1));
            }
        }
        String query = url.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    addSecret(pair);
                    addSecret(decode(pair));
                    continue;
                }
                String name = decode(pair.substring(0, eq));
                String raw = pair.substring(eq + 1);
                String value = decode(raw);
                if (SECRET_PARAM.matcher(name).matches() || looksLikeToken(value)) {
                    addSecret(raw);
                    addSecret(value);
                }
            }
        }
        if (url.getRawFragment() != null) {
            addSecret(url.getRawFragment());
        }
        if (url.getRawPath() != null) {
            for (String segment : url.getRawPath().split("/")) {
                String value = decode(segment);
                if (looksLikeToken(value)) {
                    addSecret(segment);
                    addSecret(value);
                }
            }
        }
    }

    /** A run of 16 or more letters and digits that holds both: how API keys and signed-URL tokens look. */
    static boolean looksLikeToken(String s) {
        var m = TOKEN_RUN.matcher(s);
        while (m.find()) {
            String run = m.group();
            if (run.chars().anyMatch(Character::isDigit) && run.chars().anyMatch(Character::isLetter)) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** How many secret forms are held (for tests and diagnostics; never the values). */
    public int size() {
        return secrets.size();
    }

    /** The text with every secret and partial form of one replaced by {@value #MARK}; null stays null. */
    public String apply(String text) {
        if (text == null || text.isEmpty() || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, MARK);
            }
        }
        return hasMask(out) ? redactPartialForms(out) : out;
    }

    /** A copy of a JSON tree with every string value (and field name) redacted; null stays null. */
    public JsonNode apply(JsonNode node) {
        if (node == null || secrets.isEmpty()) {
            return node;
        }
        if (node.isTextual()) {
            String t = node.textValue();
            String r = apply(t);
            return r.equals(t) ? node : com.fasterxml.jackson.databind.node.TextNode.valueOf(r);
        }
        if (node instanceof ObjectNode o) {
            ObjectNode copy = o.objectNode();
            for (var it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(apply(e.getKey()), apply(e.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode copy = a.arrayNode();
            a.forEach(n -> copy.add(apply(n)));
            return copy;
        }
        return node;
    }

    /** {@link #apply(JsonNode)} for an object. */
    public ObjectNode apply(ObjectNode node) {
        return (ObjectNode) apply((JsonNode) node);
    }

    private static boolean hasMask(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('…') >= 0 || s.indexOf('•') >= 0 || s.contains("..");
    }

    private String redactPartialForms(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (TOKEN_BREAKS.indexOf(text.charAt(i)) >= 0) {
                out.append(text.charAt(i++));
                continue;
            }
            int end = i;
            while (end < n && TOKEN_BREAKS.indexOf(text.charAt(end)) < 0) {
                end++;
            }
            out.append(redactToken(text.substring(i, end)));
            i = end;
        }
        return out.toString();
    }

    /** A token with its partial form of a secret replaced, if it holds one; sentence punctuation after it is kept. */
    private String redactToken(String token) {
        int first = maskStart(token);
        if (first < 0) {
            return token;
        }
        int last = lastMaskEnd(token);
        String prefix = token.substring(0, first);
        String rest = token.substring(last);
        // "...wxyz." ends a sentence: the visible end is "wxyz"
        String trail = "";
        String suffix = rest;
        while (!suffix.isEmpty() && ".!?".indexOf(suffix.charAt(suffix.length() - 1)) >= 0) {
            trail = suffix.charAt(suffix.length() - 1) + trail;
            suffix = suffix.substring(0, suffix.length() - 1);
        }
        for (String s : secrets) {
            if (isPartialForm(s, prefix, suffix)) {
                return MARK + trail;
            }
        }
        return token;
    }

    private static boolean isPartialForm(String secret, String prefix, String suffix) {
        int visible = prefix.length() + suffix.length();
        return visible >= MIN_VISIBLE && visible < secret.length() && secret.startsWith(prefix) && secret.endsWith(suffix);
    }

    /** Index of the first mask character ({@code *}, {@code …}, {@code •}, or the first of two dots), or -1. */
    private static int maskStart(String t) {
        for (int i = 0; i < t.length(); i++) {
            if (isMask(t, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Index just past the last mask character. */
    private static int lastMaskEnd(String t) {
        for (int i = t.length() - 1; i >= 0; i--) {
            if (isMask(t, i)) {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean isMask(String t, int i) {
        char c = t.charAt(i);
        if (c == '*' || c == '…' || c == '•') {
            return true;
        }
        // A dot is a mask only within a run of two or more ("sk-ab...yz"), not a sentence's full stop.
        return c == '.' && (i + 1 < t.length() && t.charAt(i + 1) == '.' || i > 0 && t.charAt(i - 1) == '.');
    }

    /** For messages: how many distinct values are held, never what they are. */
    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " secret forms]";
    }
}
