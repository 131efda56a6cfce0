package dev.zooterj.nn.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class GradientNotesTest {
    @Test
    void dropsOnlySameDiffsPerOpLinesAndRestoresTheStream() {
        PrintStream saved = System.out;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(seen, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        try {
            int result = GradientNotes.quietly(() -> {
                System.out.println("Added differentiated op multiply_1");
                System.out.println("epoch 1: a line of our own");
                System.out.print("Added differentiated op add\nAdded differentiated op sub\n");
                System.out.println("not Added differentiated op: kept, the prefix is not at the start");
                System.out.print("a last line without its newline");
                return 42;
            });
            assertEquals(42, result);
            assertSame(capture, System.out, "the original stream is back");
        } finally {
            System.setOut(saved);
        }
        assertEquals("epoch 1: a line of our own\nnot Added differentiated op: kept, the prefix is not at the start\n"
                + "a last line without its newline", seen.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
