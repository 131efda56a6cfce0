package dev.zooterj.core.ensemble;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Summaries of quality/cost trade-off curves, as the routing literature reports them.
 *
 * <ul>
 *   <li><b>AIQ</b> (RouterBench, Hu et al. 2024): the area under the non-decreasing upper convex hull of a method's
 *   (cost, quality) points, from its cheapest point to the largest cost of all methods compared (the hull is held flat
 *   after its best point), divided by that largest cost. The hull is what mixing the method's operating points at
 *   random can reach.</li>
 *   <li><b>APGR</b> (RouteLLM, Ong et al. 2024): for a strong and a weak model, the area under quality over the share
 *   of strong calls (trapezoids, share in [0, 1]), with the weak model's quality subtracted, divided by the same area
 *   for the strong model: 0 = no better than the weak model everywhere, 1 = as good as the strong one.</li>
 *   <li><b>CPT(x)</b> (RouteLLM): the smallest share of strong calls at which the curve, linearly interpolated between
 *   its points in order of share, reaches weak + x·(strong − weak); NaN when it never does.</li>
 * </ul>
 */
public final class TradeoffMetrics {
    private TradeoffMetrics() {
    }

    /** One operating point. */
    public record Point(double x, double y) {
    }

    /**
     * The non-decreasing upper convex hull of points, sorted by x: the upper hull from the cheapest point (the highest
     * quality among equally cheap ones) to the highest-quality point (the cheapest of those); points after it are
     * dropped (the hull stays flat from there).
     */
    public static List<Point> nonDecreasingHull(List<Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a hull needs at least one point");
        }
        for (Point p : points) {
            if (!Double.isFinite(p.x()) || !Double.isFinite(p.y())) {
                throw new IllegalArgumentException("points must be finite, got " + p);
            }
        }
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Point::x).thenComparing(Comparator.comparingDouble(Point::y).reversed()));
        // the highest point, cheapest among ties: everything after it is dominated
        Point top = sorted.get(0);
        for (Point p : sorted) {
            if (p.y() > top.y()) {
                top = p;
            }
        }
        List<Point> hull = new ArrayList<>();
        for (Point p : sorted) {
            if (!hull.isEmpty() && p.x() == hull.get(hull.size() - 1).x()) {
                continue;   // same cost, lower quality (sorted that way)
            }
            while (hull.size() >= 2 && cross(hull.get(hull.size() - 2), hull.get(hull.size() - 1), p) >= 0) {
                hull.remove(hull.size() - 1);
            }
            hull.add(p);
            if (p == top) {
                break;
            }
        }
        return hull;
    }

    /** &gt; 0 when o → a → b turns left (b above the line o–a extended), &lt; 0 when it turns right. */
    private static double cross(Point o, Point a, Point b) {
        return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
    }

    /**
     * RouterBench's AIQ of {@code points}, with the curve held flat to {@code maxCost} (the largest cost among all
     * methods compared; at least the points' own largest).
     */
    public static double aiq(List<Point> points, double maxCost) {
        List<Point> hull = nonDecreasingHull(points);
        double end = Math.max(maxCost, points.stream().mapToDouble(Point::x).max().orElseThrow());
        if (!(end > 0)) {
            throw new IllegalArgumentException("AIQ needs a positive largest cost, got " + end);
        }
        double area = 0;
        for (int i = 1; i < hull.size(); i++) {
            Point a = hull.get(i - 1);
            Point b = hull.get(i);
            area += (b.x() - a.x()) * (a.y() + b.y()) / 2;
        }
        Point last = hull.get(hull.size() - 1);
        area += (end - last.x()) * last.y();
        return area / end;
    }

    /**
     * RouteLLM's APGR of a curve of (share of strong calls in [0, 1], quality) points: trapezoids over the points'
     * span of share, (area − weak·span) / (strong·span − weak·span).
     */
    public static double apgr(List<Point> curve, double weak, double strong) {
        List<Point> c = sortedByX(curve);
        if (c.size() < 2 || strong == weak) {
            return Double.NaN;
        }
        double area = 0;
        for (int i = 1; i < c.size(); i++) {
            area += (c.get(i).x() - c.get(i - 1).x()) * (c.get(i).y() + c.get(i - 1).y()) / 2;
        }
        double span = c.get(c.size() - 1).x() - c.get(0).x();
        return (area - weak * span) / ((strong - weak) * span);
    }

    /** RouteLLM's CPT(x): the smallest share of strong calls reaching weak + x·(strong − weak); NaN if never. */
    public static double cpt(List<Point> curve, double weak, double strong, double x) {
        List<Point> c = sortedByX(curve);
        double target = weak + x * (strong - weak);
        if (c.get(0).y() >= target) {
            return c.get(0).x();
        }
        for (int i = 1; i < c.size(); i++) {
            Point a = c.get(i - 1);
            Point b = c.get(i);
            if (b.y() >= target) {
                return b.y() == a.y() ? b.x() : a.x() + (target - a.y()) / (b.y() - a.y()) * (b.x() - a.x());
            }
        }
        return Double.NaN;
    }

    private static List<Point> sortedByX(List<Point> curve) {
        if (curve.isEmpty()) {
            throw new IllegalArgumentException("a curve needs at least one point");
        }
        Point[] a = curve.toArray(new Point[0]);
        Arrays.sort(a, Comparator.comparingDouble(Point::x));
        return List.of(a);
    }
}
