package dev.zooterj.nn.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions recorded in every saved router's provenance. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dev/zooterj/nn/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String zooter() {
        return PROPS.getProperty("zooter", "dev");
    }

    public static String nd4j() {
        return PROPS.getProperty("nd4j", "unknown");
    }

    public static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    }

    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
