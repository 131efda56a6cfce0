/**
 * Text to token ids for the router's encoder: a pure-Java WordPiece tokenizer that reproduces the Hugging Face
 * {@code tokenizers} pipeline of BERT-style models (all-MiniLM-L6-v2 by default) id for id, without native code
 * or downloads.
 *
 * <p>The pipeline mirrors the one in a Hugging Face {@code tokenizer.json}, one class per stage:
 * {@link dev.zooterj.nn.tokenizer.AddedTokens} (special tokens such as {@code [MASK]} found verbatim in the text),
 * {@link dev.zooterj.nn.tokenizer.BertNormalizer} (clean text, CJK spacing, accent stripping, lower-casing),
 * {@link dev.zooterj.nn.tokenizer.BertPreTokenizer} (split on whitespace and punctuation) and
 * {@link dev.zooterj.nn.tokenizer.WordPieceModel} (greedy longest-match-first sub-words).
 * {@link dev.zooterj.nn.tokenizer.WordPieceTokenizer} wires them together, adds {@code [CLS]}/{@code [SEP]},
 * truncates, and pads a batch to its longest sequence ({@link dev.zooterj.nn.tokenizer.TokenizedBatch}).
 * Character classes follow the Rust implementation, not Python BERT, where the two differ
 * (see {@link dev.zooterj.nn.tokenizer.BertCharacters}).
 */
package dev.zooterj.nn.tokenizer;
