package dev.zooterj.nn.train;

/**
 * Optimisation settings. The paper fine-tunes with lr 1e-5, weight decay 5e-7, 5 epochs; a frozen-encoder
 * head trains well with a much larger rate (the defaults here).
 *
 * @param epochs             passes over the training rows
 * @param batchSize          rows per step
 * @param learningRate       peak learning rate (AdamW)
 * @param weightDecay        decoupled weight decay
 * @param warmupFraction     share of all steps spent warming up linearly, then linear decay to 0
 * @param clipNorm           global gradient-norm clip (0 = none)
 * @param seed               seeds initialisation, shuffling and the validation split
 * @param validationFraction share of the training rows held out (stratified by subset) for validation
 * @param patience           stop after this many epochs without a better validation KL (0 = never stop early)
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, double weightDecay, double warmupFraction,
                             double clipNorm, long seed, double validationFraction, int patience) {
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), got " + warmupFraction);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
        if (clipNorm < 0 || patience < 0) {
            throw new IllegalArgumentException("clip norm and patience must be >= 0");
        }
    }

    /** Defaults for the frozen-encoder head. */
    public static TrainingConfig headDefaults() {
        return new TrainingConfig(30, 64, 3e-3, 1e-4, 0.05, 1.0, 42, 0.1, 5);
    }

    /** The paper's fine-tuning settings (lr 1e-5, weight decay 5e-7, 5 epochs). */
    public static TrainingConfig paperFinetune() {
        return new TrainingConfig(5, 32, 1e-5, 5e-7, 0.1, 1.0, 42, 0.1, 0);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(e, batchSize, learningRate, weightDecay, warmupFraction, clipNorm, seed, validationFraction, patience);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, batchSize, learningRate, weightDecay, warmupFraction, clipNorm, s, validationFraction, patience);
    }
}
