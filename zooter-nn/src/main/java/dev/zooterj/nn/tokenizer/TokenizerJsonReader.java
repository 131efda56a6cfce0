package dev.zooterj.nn.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} into the parts of a {@link WordPieceTokenizer}. Only the BERT
 * pipeline is supported; any other component is rejected with a message naming what is supported, rather than
 * silently tokenizing differently from the original.
 */
final class TokenizerJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IDENTITY_HASH_HEX_CHARS = 16;
    private static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

    private TokenizerJsonReader() {
    }

    static WordPieceTokenizer.Parts read(String name, byte[] json) throws IOException {
        if (name == null || name.isBlank() || name.contains(":")) {
            throw new IllegalArgumentException("tokenizer name must be non-blank and free of ':', got '" + name + "'");
        }
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("tokenizer json '" + name + "' is not a JSON object");
        }
        BertNormalizer normalizer = normalizer(root.path("normalizer"));
        requireType(root.path("pre_tokenizer"), "pre_tokenizer", "BertPreTokenizer");
        JsonNode modelNode = root.path("model");
        requireType(modelNode, "model", "WordPiece");

        Map<String, Integer> vocab = vocabulary(modelNode.path("vocab"));
        int unkId = idOf(vocab, text(modelNode, "unk_token"), "model.unk_token");
        WordPieceModel model = new WordPieceModel(vocab, modelNode.path("continuing_subword_prefix").asText("##"),
                unkId, modelNode.path("max_input_chars_per_word").asInt(DEFAULT_MAX_INPUT_CHARS_PER_WORD));

        List<AddedTokens.Token> raw = new ArrayList<>();
        List<AddedTokens.Token> normalized = new ArrayList<>();
        Map<Integer, String> addedById = addedTokens(root.path("added_tokens"), vocab, normalizer, raw, normalized);
        int[] clsSep = clsAndSep(root.path("post_processor"));

        return new WordPieceTokenizer.Parts(identity(name, json), new AddedTokens(raw), new AddedTokens(normalized),
                normalizer, model, tokenById(vocab, addedById), clsSep[0], clsSep[1], padId(root, vocab), unkId);
    }

    private static BertNormalizer normalizer(JsonNode node) {
        requireType(node, "normalizer", "BertNormalizer");
        boolean lowercase = node.path("lowercase").asBoolean(true);
        JsonNode strip = node.path("strip_accents");
        // null means "strip accents exactly when lower-casing", as in the original BERT uncased models
        boolean stripAccents = strip.isNull() || strip.isMissingNode() ? lowercase : strip.asBoolean();
        return new BertNormalizer(node.path("clean_text").asBoolean(true),
                node.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);
    }

    private static Map<String, Integer> vocabulary(JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException("model.vocab must be a non-empty object of token -> id");
        }
        Map<String, Integer> vocab = new HashMap<>(node.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    /**
     * Sorts the added tokens into those matched on the raw text ({@code normalized: false}, the BERT specials) and
     * those matched after normalization, whose content is normalized too, as the Rust implementation does.
     */
    private static Map<Integer, String> addedTokens(JsonNode list, Map<String, Integer> vocab,
                                                    BertNormalizer normalizer,
                                                    List<AddedTokens.Token> raw, List<AddedTokens.Token> normalized) {
        Map<Integer, String> byId = new HashMap<>();
        int nextNewId = vocab.size();
        for (JsonNode token : list) {
            String content = text(token, "content");
            for (String flag : List.of("single_word", "lstrip", "rstrip")) {
                if (token.path(flag).asBoolean(false)) {
                    throw new IllegalArgumentException("added token '" + content + "' sets " + flag
                            + "; only added tokens with single_word, lstrip and rstrip false are supported");
                }
            }
            // Like Hugging Face, ignore the JSON's id: a vocabulary token keeps its id, a new one goes after the rest.
            Integer id = vocab.get(content);
            if (id == null) {
                id = nextNewId++;
            }
            byId.put(id, content);
            if (token.path("normalized").asBoolean(false)) {
                normalized.add(new AddedTokens.Token(normalizer.normalize(content, 0, content.length()), id));
            } else {
                raw.add(new AddedTokens.Token(content, id));
            }
        }
        return byId;
    }

    /** [CLS] and [SEP] ids from a BertProcessing or a TemplateProcessing "single" of the form X $A Y. */
    private static int[] clsAndSep(JsonNode node) {
        String type = node.path("type").asText("");
        if (type.equals("BertProcessing")) {
            return new int[] {node.path("cls").path(1).asInt(), node.path("sep").path(1).asInt()};
        }
        if (type.equals("TemplateProcessing")) {
            JsonNode single = node.path("single");
            boolean bertShape = single.size() == 3 && single.path(0).has("SpecialToken")
                    && single.path(1).has("Sequence") && single.path(2).has("SpecialToken");
            if (bertShape) {
                return new int[] {templateTokenId(node, single.path(0)), templateTokenId(node, single.path(2))};
            }
            throw new IllegalArgumentException("post_processor TemplateProcessing must have the single template "
                    + "[special] $A [special] (as BERT's [CLS] $A [SEP]), got " + single);
        }
        throw new IllegalArgumentException("post_processor type '" + type
                + "' is not supported; supported: BertProcessing, TemplateProcessing");
    }

    private static int templateTokenId(JsonNode processor, JsonNode templatePiece) {
        String name = templatePiece.path("SpecialToken").path("id").asText();
        JsonNode ids = processor.path("special_tokens").path(name).path("ids");
        if (ids.size() != 1) {
            throw new IllegalArgumentException("special token '" + name
                    + "' of the post_processor must map to exactly one id, got " + ids);
        }
        return ids.path(0).asInt();
    }

    private static int padId(JsonNode root, Map<String, Integer> vocab) {
        JsonNode padding = root.path("padding");
        if (padding.isObject() && padding.has("pad_id")) {
            return padding.path("pad_id").asInt();
        }
        return idOf(vocab, "[PAD]", "padding.pad_id (no padding section, so the vocabulary's [PAD])");
    }

    private static String[] tokenById(Map<String, Integer> vocab, Map<Integer, String> addedById) {
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        for (int id : addedById.keySet()) {
            size = Math.max(size, id + 1);
        }
        String[] tokens = new String[size];
        vocab.forEach((token, id) -> tokens[id] = token);
        addedById.forEach((id, token) -> tokens[id] = token);
        return tokens;
    }

    /** "wordpiece:NAME:sha256=" plus the first 16 hex digits of the SHA-256 of the exact JSON bytes. */
    static String identity(String name, byte[] json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            String hex = HexFormat.of().formatHex(digest).substring(0, IDENTITY_HASH_HEX_CHARS);
            return "wordpiece:" + name + ":sha256=" + hex;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static void requireType(JsonNode node, String field, String supported) {
        String type = node.path("type").asText(null);
        if (!supported.equals(type)) {
            throw new IllegalArgumentException(field + " type '" + type + "' is not supported; supported: "
                    + supported);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("tokenizer json: '" + field + "' must be a string, got " + value);
        }
        return value.asText();
    }

    private static int idOf(Map<String, Integer> vocab, String token, String what) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(what + ": token '" + token + "' is not in the vocabulary");
        }
        return id;
    }
}
