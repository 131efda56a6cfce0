package dev.zooterj.gateway.collect;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A one-way stop flag that back-off waits can be woken by, so a stopped run does not sleep out its retry delays. */
public final class StopSignal {
    private final CountDownLatch stopped = new CountDownLatch(1);

    public void stop() {
        stopped.countDown();
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** Waits for {@code delay} or until stopped; returns true when the full delay passed without a stop. */
    public boolean sleep(Duration delay) throws InterruptedException {
        return !stopped.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
