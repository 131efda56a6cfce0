package dev.zooterj.bench.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed fixtures under {@code src/test/resources/fixtures}: small, synthesised files in the real files'
 * formats (RouterDC's {@code routerdc_split2_model7.jsonl}; AlpacaEval's wide CSVs and {@code instructions.jsonl};
 * the project's JSONL contract). No row comes from the real data. They were written by a short script with a fixed
 * seed; the tests read them with their own simple parsers, not the importers under test.
 */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A wide CSV without quoted cells: id → (column → cell). */
    static Map<String, Map<String, String>> wideCsv(Path file) {
        List<String> lines = lines(file);
        String[] header = lines.get(0).split(",", -1);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) {
                row.put(header[c], cells[c]);
            }
            out.put(cells[0], row);
        }
        return out;
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
