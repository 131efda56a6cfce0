package dev.zooterj.nn.head;

/**
 * The routing head on top of the pooled embedding.
 *
 * @param hidden 0 for a linear head (embedding → N logits); otherwise the width of one ReLU hidden layer
 */
public record HeadConfig(int hidden) {
    public HeadConfig {
        if (hidden < 0) {
            throw new IllegalArgumentException("head hidden size must be >= 0, got " + hidden);
        }
    }

    public static HeadConfig linear() {
        return new HeadConfig(0);
    }

    public static HeadConfig mlp(int hidden) {
        return new HeadConfig(hidden);
    }

    public boolean isLinear() {
        return hidden == 0;
    }

    @Override
    public String toString() {
        return isLinear() ? "linear" : "mlp(" + hidden + ")";
    }
}
