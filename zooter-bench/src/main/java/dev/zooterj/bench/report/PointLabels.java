package dev.zooterj.bench.report;

import org.knowm.xchart.internal.chartpart.Annotation;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Names next to scatter points, laid out when the chart is painted (only then are screen positions known):
 * each label goes beside its point, to the right in the left half of the x range and to the left in the right
 * half, and is nudged up or down until it overlaps no other label; a moved label gets a thin leader line. Points
 * drawn on the same spot (a method identical to a candidate) share one label, "a, bma".
 * XChart's own {@code AnnotationText} centres each text on its point, so close points give unreadable piles.
 */
final class PointLabels extends Annotation {
    private static final int GAP = 7;
    private static final double SAME_SPOT = 2.5;
    private static final Color TEXT = new Color(0x222222);
    private static final Color LEADER = new Color(0x999999);

    private final List<Point> points = new ArrayList<>();
    private final Font font;
    private final double xMin;
    private final double xMax;

    /** A labelled point in data coordinates. */
    record Point(String label, double x, double y) {
    }

    /**
     * @param xMin the x axis minimum the chart is drawn with (labels switch sides at the middle of the axis)
     * @param xMax the x axis maximum
     */
    PointLabels(Font font, double xMin, double xMax) {
        super(false);
        this.font = font;
        this.xMin = xMin;
        this.xMax = xMax;
    }

    void add(String label, double x, double y) {
        points.add(new Point(label, x, y));
    }

    @Override
    public void paint(Graphics2D g) {
        if (!isVisible || points.isEmpty()) {
            return;
        }
        Object antialias = g.getRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        double middle = chart.getScreenXFromChart((xMin + xMax) / 2);
        double height = fm.getAscent() + fm.getDescent();
        List<Rectangle2D> placed = new ArrayList<>();
        List<Point> byScreenY = onScreen().stream().sorted(Comparator.comparingDouble(Point::y)).toList();
        for (Point p : byScreenY) {
            double px = p.x();
            double py = p.y();
            double width = fm.stringWidth(p.label());
            boolean right = px <= middle;
            double left = right ? px + GAP : px - GAP - width;
            Rectangle2D box = free(new Rectangle2D.Double(left, py - height / 2, width, height), placed);
            placed.add(box);
            if (Math.abs(box.getCenterY() - py) > height / 2) {
                g.setColor(LEADER);
                double edge = right ? box.getMinX() - 1 : box.getMaxX() + 1;
                g.draw(new Line2D.Double(px + (right ? 3 : -3), py, edge, box.getCenterY()));
            }
            g.setColor(TEXT);
            g.drawString(p.label(), (float) box.getMinX(), (float) (box.getMinY() + fm.getAscent()));
        }
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, antialias);
        bounds = new Rectangle2D.Double();
    }

    /** The points in screen coordinates, those within {@link #SAME_SPOT} pixels of each other merged into one. */
    private List<Point> onScreen() {
        List<Point> out = new ArrayList<>();
        for (Point p : points) {
            double px = chart.getScreenXFromChart(p.x());
            double py = chart.getScreenYFromChart(p.y());
            int same = -1;
            for (int i = 0; i < out.size() && same < 0; i++) {
                if (Math.abs(out.get(i).x() - px) <= SAME_SPOT && Math.abs(out.get(i).y() - py) <= SAME_SPOT) {
                    same = i;
                }
            }
            if (same < 0) {
                out.add(new Point(p.label(), px, py));
            } else {
                Point q = out.get(same);
                out.set(same, new Point(q.label() + ", " + p.label(), q.x(), q.y()));
            }
        }
        return out;
    }

    /** The nearest vertical shift of {@code box} (0, +h, −h, +2h, …) that overlaps none of {@code placed}. */
    private static Rectangle2D free(Rectangle2D box, List<Rectangle2D> placed) {
        double step = box.getHeight() * 0.55;
        for (int k = 0; k < 200; k++) {
            double shift = (k % 2 == 1 ? 1 : -1) * ((k + 1) / 2) * step;
            Rectangle2D moved = new Rectangle2D.Double(box.getX(), box.getY() + shift, box.getWidth(), box.getHeight());
            if (placed.stream().noneMatch(moved::intersects)) {
                return moved;
            }
        }
        return box;
    }
}
