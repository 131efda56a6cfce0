package dev.zooterj.data.sim;

/**
 * Which wording of the {@link QueryVocabulary} a query is written in. Training queries use one wording and
 * evaluation queries a paraphrase of it, phrase by phrase, with the same tags: routing on the evaluation set
 * then has to generalise from what a query means rather than recognise text it was trained on.
 */
enum Phrasing {
    TRAINING,
    HELD_OUT
}
