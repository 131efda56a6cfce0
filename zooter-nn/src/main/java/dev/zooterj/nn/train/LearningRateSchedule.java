package dev.zooterj.nn.train;

/** Linear warm-up from 0 to the peak rate over the first steps, then linear decay to 0 at the last step. */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {
    public LearningRateSchedule {
        if (!(peak > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + peak);
        }
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warm-up steps (" + warmupSteps + ") <= total steps (" + totalSteps + ")");
        }
    }

    /** The rate for 0-based step {@code step}. */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (warmupSteps + 1);
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0, (double) (totalSteps - step) / decaySteps);
    }
}
