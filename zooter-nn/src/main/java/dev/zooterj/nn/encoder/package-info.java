/**
 * BERT-family sentence encoders (all-MiniLM-L6-v2, bge-small-en/zh, e5-small and models with the same layout):
 * token ids and a mask in, one pooled vector per text out ({@link dev.zooterj.nn.encoder.Pooling}: mean or [CLS],
 * optionally L2-normalised).
 *
 * <p>One set of weights ({@link dev.zooterj.nn.encoder.BertParameters}), two forward passes over it:
 * {@link dev.zooterj.nn.encoder.BertGraph}, a trainable SameDiff graph for fine-tuning or training from scratch,
 * and {@link dev.zooterj.nn.encoder.BertInference}, direct ND4J calls for fast inference. Both read the same
 * {@code INDArray}s, so training one updates the other. {@link dev.zooterj.nn.encoder.BertEncoder} holds the
 * weights and is the {@link dev.zooterj.nn.encoder.TextEncoder} the router uses.
 *
 * <p>Pretrained weights come from a Hugging Face ONNX export: {@link dev.zooterj.nn.encoder.OnnxWeights} reads its
 * initializers, and {@link dev.zooterj.nn.encoder.BertOnnxWeights} maps them onto our parameters through one
 * explicit table, whose size ({@link dev.zooterj.nn.encoder.BertConfig}: layers, width, vocabulary) is read off
 * the initializers. {@link dev.zooterj.nn.encoder.PretrainedModel} lists the encoders whose ONNX file and
 * tokenizer json ship in Maven jars, with their input conventions. Tokenization is not done here: callers pass
 * ids from the tokenizer package.
 */
package dev.zooterj.nn.encoder;
