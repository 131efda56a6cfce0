package dev.zooterj.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.data.sim.SimulatedZoo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The 805 AlpacaEval instructions from ../shared/data when present, else simulated queries (and says so). */
final class BenchmarkQueries {
    private BenchmarkQueries() {
    }

    static List<String> load() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("../shared/data/alpaca_eval/instructions.jsonl").normalize();
            if (Files.isRegularFile(f)) {
                return read(f);
            }
        }
        System.err.println("[bench] ../shared/data/alpaca_eval not found: timing SIMULATED queries instead of AlpacaEval");
        return SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(805)).training().records()
                .stream().map(r -> r.query()).toList();
    }

    private static List<String> read(Path f) {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(f)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(json.readTree(line).path("instruction").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
