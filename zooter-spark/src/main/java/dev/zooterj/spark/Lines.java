package dev.zooterj.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The non-blank lines of JSONL input (a file, a directory of part files, or a glob) with where each came from, so a
 * bad row fails with its file and line as on one machine, and its place among all rows, so jobs that must reproduce
 * the single-machine order and batching can.
 */
public final class Lines {
    /**
     * One non-blank line.
     *
     * @param file  the file as the user named it (or the part file's path inside a named directory)
     * @param line  1-based line number in that file, blank lines counted
     * @param index 0-based position among all non-blank lines of the input, in file order
     * @param text  the line
     */
    public record Line(String file, long line, long index, String text) implements Serializable {
    }

    private Lines() {
    }

    /** The input's files in order: the file itself, or a directory's visible files by name, or a glob's matches. */
    public static List<String> files(JavaSparkContext sc, String input) {
        Configuration conf = sc.hadoopConfiguration();
        try {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException(input + ": file not found");
            }
            List<String> out = new ArrayList<>();
            for (FileStatus m : matches) {
                if (m.isDirectory()) {
                    FileStatus[] inner = fs.listStatus(m.getPath(), f -> !f.getName().startsWith("_") && !f.getName().startsWith("."));
                    Arrays.sort(inner);
                    for (FileStatus f : inner) {
                        if (f.isFile()) {
                            out.add(f.getPath().toString());
                        }
                    }
                } else {
                    out.add(matches.length == 1 && !input.contains("*") ? input : m.getPath().toString());
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(input + ": no files in this directory");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
        }
    }

    /** The non-blank lines of every input file, numbered per file and overall. */
    public static JavaRDD<Line> read(JavaSparkContext sc, String input) {
        JavaRDD<NumberedLine> all = null;
        for (String f : files(sc, input)) {
            JavaRDD<NumberedLine> lines = sc.textFile(f).zipWithIndex()
                    .map(t -> new NumberedLine(f, t._2() + 1, t._1()))
                    .filter(l -> !l.text().isBlank());
            all = all == null ? lines : all.union(lines);
        }
        return all.zipWithIndex().map(t -> new Line(t._1().file(), t._1().line(), t._2(), t._1().text()));
    }

    private record NumberedLine(String file, long line, String text) implements Serializable {
    }
}
