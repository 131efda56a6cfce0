package dev.zooterj.gateway.serve;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The headers' numbers, written without String.format, read exactly as String.format writes them. */
class FixedDecimalsTest {
    @Property(tries = 2000)
    void probabilitiesReadAsFormatWritesThem(@ForAll @DoubleRange(min = 0, max = 1) double p) {
        assertEquals(String.format(Locale.ROOT, "%.4f", p), GatewayServer.fixed(p, 4));
    }

    @Property(tries = 2000)
    void millisecondsReadAsFormatWritesThem(@ForAll @DoubleRange(min = 0, max = 100_000) double ms,
                                            @ForAll @IntRange(min = 0, max = 6) int decimals) {
        assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", ms), GatewayServer.fixed(ms, decimals));
    }

    @Property(tries = 3000)
    void anyFiniteValueReadsAsFormatWritesIt(@ForAll double v, @ForAll @IntRange(min = 0, max = 8) int decimals) {
        if (Double.isFinite(v) && Math.abs(v) < 1e15 && v != 0.0) {  // beyond, %f writes every integer digit as well
            assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", v), GatewayServer.fixed(v, decimals),
                    Double.toString(v));
        }
    }

    @Test
    void carriesRunThroughEveryDigit() {
        for (double v : new double[] {9.99995, 99.9996, 0.99999, 999.5, 9.5, 0.05, 0.95, 0.0095, 19.9999951}) {
            for (int decimals = 0; decimals <= 4; decimals++) {
                assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", v), GatewayServer.fixed(v, decimals),
                        v + " to " + decimals);
                assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", -v), GatewayServer.fixed(-v, decimals),
                        -v + " to " + decimals);
            }
        }
    }

    @Test
    void halfwayCasesAndSpecialValues() {
        for (double v : new double[] {0, 1, 0.5, 0.00005, 0.00015, 0.12345, 0.99995, 1e-9, 0.6, 2.0 / 3, 1e-320,
                -0.00001, -2.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals(String.format(Locale.ROOT, "%.4f", v), GatewayServer.fixed(v, 4), Double.toString(v));
            assertEquals(String.format(Locale.ROOT, "%.3f", v), GatewayServer.fixed(v, 3), Double.toString(v));
        }
    }
}
