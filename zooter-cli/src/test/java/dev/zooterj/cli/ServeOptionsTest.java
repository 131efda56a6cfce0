package dev.zooterj.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code zooter serve} options that make no sense are one error line naming the option and its limit, before the
 * router or the backends file is read (so these tests need neither).
 */
class ServeOptionsTest {
    @TempDir
    Path dir;

    private String errorFor(String... options) {
        String[] args = new String[4 + options.length];
        args[0] = "serve";
        args[1] = "--router";
        args[2] = dir.resolve("no-router").toString();
        args[3] = "--backends=" + dir.resolve("no-backends.json");
        System.arraycopy(options, 0, args, 4, options.length);
        CliRunner r = CliRunner.run(args);
        assertEquals(1, r.exitCode(), r.err());
        return r.err().strip();
    }

    @Test
    void limitsAreNamedWithTheOption() {
        assertEquals("zooter serve: error: --max-in-flight must be in 1..100000, got 2147483647",
                errorFor("--max-in-flight", "2147483647"));
        assertEquals("zooter serve: error: --max-in-flight must be in 1..100000, got 2147483640",
                errorFor("--max-in-flight", "2147483640"));
        assertEquals("zooter serve: error: --max-body-bytes must be in 1..1073741824 (1 GiB), got 9223372036854775807",
                errorFor("--max-body-bytes", "9223372036854775807"));
        assertEquals("zooter serve: error: --body-read-timeout must be from 0.001 to 3600 seconds, got 1.0E30",
                errorFor("--body-read-timeout", "1e30"));
        assertEquals("zooter serve: error: --shutdown-grace must be at most 3600 seconds, got 1.0E30",
                errorFor("--shutdown-grace", "1e30"));
        assertEquals("zooter serve: error: --port must be in 0..65535, got 70000", errorFor("--port", "70000"));
    }

    @Test
    void anUnresolvableHostIsNamed() {
        assertEquals("zooter serve: error: --host 'no-such-host.invalid' is not an address this machine can resolve "
                + "(give an IP address such as 127.0.0.1 or 0.0.0.0, or a host name that resolves)",
                errorFor("--host", "no-such-host.invalid"));
    }
}
