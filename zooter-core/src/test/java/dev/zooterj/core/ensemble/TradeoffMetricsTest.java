package dev.zooterj.core.ensemble;

import dev.zooterj.core.ensemble.TradeoffMetrics.Point;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TradeoffMetricsTest {
    @Test
    void theHullDropsPointsBelowItAndAfterTheBest() {
        List<Point> pts = List.of(new Point(3, 0.7), new Point(1, 0.5), new Point(4, 0.9), new Point(2, 0.8), new Point(5, 0.85));
        assertEquals(List.of(new Point(1, 0.5), new Point(2, 0.8), new Point(4, 0.9)), TradeoffMetrics.nonDecreasingHull(pts));
    }

    @Test
    void aiqByHand() {
        // hull (1,.5) (2,.8) (4,.9), flat to 5: 0.65 + 1.7 + 0.9 = 3.25, / 5
        List<Point> pts = List.of(new Point(1, 0.5), new Point(2, 0.8), new Point(3, 0.7), new Point(4, 0.9));
        assertEquals(0.65, TradeoffMetrics.aiq(pts, 5), 1e-12);
        // the cheapest point is also the best: flat from cost 1 to 2, / 2
        assertEquals(0.45, TradeoffMetrics.aiq(List.of(new Point(1, 0.9), new Point(2, 0.5)), 2), 1e-12);
        // a single point at the largest cost has no area
        assertEquals(0.0, TradeoffMetrics.aiq(List.of(new Point(2, 0.9)), 2), 1e-12);
    }

    @Test
    void apgrAndCptByHand() {
        List<Point> curve = List.of(new Point(0, 0.5), new Point(0.5, 0.9), new Point(1, 1.0));
        // area 0.35 + 0.475 = 0.825; (0.825 - 0.5) / (1.0 - 0.5)
        assertEquals(0.65, TradeoffMetrics.apgr(curve, 0.5, 1.0), 1e-12);
        // 50%: 0.75 is reached 0.25/0.4 of the way to share 0.5
        assertEquals(0.3125, TradeoffMetrics.cpt(curve, 0.5, 1.0, 0.5), 1e-12);
        assertEquals(0.5, TradeoffMetrics.cpt(curve, 0.5, 1.0, 0.8), 1e-12);
        // the straight line from weak to strong recovers half the area, and reaches x of the gap at share x
        List<Point> line = List.of(new Point(0, 0.2), new Point(1, 0.6));
        assertEquals(0.5, TradeoffMetrics.apgr(line, 0.2, 0.6), 1e-12);
        assertEquals(0.8, TradeoffMetrics.cpt(line, 0.2, 0.6, 0.8), 1e-12);
        // a curve that never reaches the target
        assertTrue(Double.isNaN(TradeoffMetrics.cpt(List.of(new Point(0, 0.2), new Point(1, 0.3)), 0.2, 0.6, 0.5)));
    }

    @Property(tries = 200)
    void theHullIsNonDecreasingAndNeverBelowAPoint(@ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 0, max = 10) Double> xs,
                                                   @ForAll @Size(min = 12, max = 12) List<@DoubleRange(min = 0, max = 1) Double> ys) {
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            pts.add(new Point(xs.get(i), ys.get(i)));
        }
        List<Point> hull = TradeoffMetrics.nonDecreasingHull(pts);
        for (int i = 1; i < hull.size(); i++) {
            assertTrue(hull.get(i).x() > hull.get(i - 1).x() && hull.get(i).y() >= hull.get(i - 1).y(), hull.toString());
        }
        for (Point p : pts) {
            if (p.x() < hull.get(0).x()) {
                continue;
            }
            assertTrue(p.y() <= valueAt(hull, p.x()) + 1e-9, p + " above " + hull);
        }
        double maxY = pts.stream().mapToDouble(Point::y).max().orElseThrow();
        double aiq = TradeoffMetrics.aiq(pts, 10);
        assertTrue(aiq <= maxY + 1e-9 && aiq >= 0, "AIQ " + aiq);
    }

    private static double valueAt(List<Point> hull, double x) {
        for (int i = 1; i < hull.size(); i++) {
            if (x <= hull.get(i).x()) {
                Point a = hull.get(i - 1);
                Point b = hull.get(i);
                return a.y() + (x - a.x()) / (b.x() - a.x()) * (b.y() - a.y());
            }
        }
        return hull.get(hull.size() - 1).y();
    }
}
