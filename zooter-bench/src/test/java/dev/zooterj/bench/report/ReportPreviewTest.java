package dev.zooterj.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.nio.file.Path;

/**
 * Writes example reports for people to look at, only when {@code ZOOTER_REPORT_PREVIEW} names a directory:
 * {@code ZOOTER_REPORT_PREVIEW=/tmp/report-preview mvn test -Dtest='dev/zooterj/bench/report/ReportPreviewTest'}.
 */
class ReportPreviewTest {
    @Test
    @EnabledIfEnvironmentVariable(named = "ZOOTER_REPORT_PREVIEW", matches = ".+")
    void writePreviews() {
        Path dir = Path.of(System.getenv("ZOOTER_REPORT_PREVIEW"));
        ReportWriter.write(ReportFixtures.paperLike(40), dir.resolve("paper-sim"));
        ReportWriter.write(ReportFixtures.tiny(false), dir.resolve("tiny"));
    }
}
