/**
 * Tags and training-set recipes without an LLM: {@link dev.zooterj.data.tags.KeywordTagger} (TF-IDF terms),
 * cluster tags over encoder embeddings, per-tag selection ({@link dev.zooterj.data.tags.PerTagSelector}) and n-gram
 * decontamination ({@link dev.zooterj.data.tags.Decontaminator}), all sharing one
 * {@link dev.zooterj.data.tags.TextNormalizer}.
 */
package dev.zooterj.data.tags;
