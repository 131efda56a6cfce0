/**
 * The neural side of Zooter-J on ND4J/SameDiff: WordPiece tokenizer, BERT-family encoder, routing heads,
 * the KL distillation loss, training, and saved routers with their provenance. Nothing here assumes the
 * CPU backend.
 */
package dev.zooterj.nn;
