package dev.zooterj.nn.encoder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the encoder's fast inference path ({@link VectorBertInference}, on the JDK's incubating Vector API) can
 * run in this JVM. It needs the JVM option {@code --add-modules jdk.incubator.vector}; {@code ./zooter}, the test
 * configuration and the JMH script pass it. Without it (or with {@code -Dzooterj.encoder.vector=false}) the encoder
 * falls back to {@link BertInference}, the ND4J path, which gives the same embeddings (to ~1e-6) 3-4 times slower
 * for a single query; this is logged once.
 *
 * <p>This class must not reference the Vector API itself, so that it loads in every JVM.
 */
public final class VectorSupport {
    /** The system property that turns the Vector API path off ({@code false}); on by default where available. */
    public static final String PROPERTY = "zooterj.encoder.vector";
    /** The JVM option that enables the fast path. */
    public static final String JVM_OPTION = "--add-modules jdk.incubator.vector";

    private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);
    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile boolean told;

    private VectorSupport() {
    }

    /** True when the Vector API module is loaded and the path is not switched off by {@link #PROPERTY}. */
    public static boolean available() {
        boolean on = MODULE && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
        if (!on && !told) {
            told = true;
            if (MODULE) {
                LOG.info("-D{}=false: the encoder runs on the ND4J path", PROPERTY);
            } else {
                LOG.warn("the JVM runs without '{}': the encoder falls back to its ND4J path, 3-4 times slower for a"
                        + " single query; add that JVM option for the fast path", JVM_OPTION);
            }
        }
        return on;
    }

    /** Whether the JVM has the Vector API module (regardless of {@link #PROPERTY}). */
    public static boolean moduleLoaded() {
        return MODULE;
    }
}
