package dev.zooterj.data.importer;

import dev.zooterj.data.DatasetFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small RFC 4180 CSV table (quoted fields, doubled quotes; one record per line), read whole. */
final class CsvTable {
    final Path file;
    final List<String> header;
    final List<String[]> rows;
    final List<Long> lineNumbers;
    private final Map<String, Integer> columnIndex = new HashMap<>();

    private CsvTable(Path file, List<String> header, List<String[]> rows, List<Long> lineNumbers) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.lineNumbers = lineNumbers;
        for (int i = 0; i < header.size(); i++) {
            if (columnIndex.putIfAbsent(header.get(i), i) != null) {
                throw new DatasetFormatException(file, 1, header.get(i), "duplicate column name");
            }
        }
    }

    static CsvTable read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, 0, null, "file not found");
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first == null) {
                throw new DatasetFormatException(file, 1, null, "empty file: expected a header line");
            }
            if (first.startsWith("\uFEFF")) {
                first = first.substring(1);
            }
            List<String> header = List.of(split(file, 1, first));
            List<String[]> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            String line;
            long n = 1;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = split(file, n, line);
                if (cells.length != header.size()) {
                    throw new DatasetFormatException(file, n, null, "expected " + header.size()
                            + " comma-separated cells like the header, got " + cells.length);
                }
                rows.add(cells);
                lines.add(n);
            }
            return new CsvTable(file, header, rows, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    int column(String name) {
        Integer i = columnIndex.get(name);
        if (i == null) {
            throw new DatasetFormatException(file, 1, name, "no such column; the header has " + header);
        }
        return i;
    }

    boolean hasColumn(String name) {
        return columnIndex.containsKey(name);
    }

    static String[] split(Path file, long lineNo, String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new DatasetFormatException(file, lineNo, null, "unterminated quoted cell");
        }
        cells.add(cell.toString());
        return cells.toArray(String[]::new);
    }
}
