package io.nacosistio.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small, dependency-free SVG charts: grouped horizontal bars and cumulative distributions. Every chart carries
 * the stamp of the machine and date it was measured on.
 */
final class SvgCharts {

    static final String PLUGIN_COLOR = "#2b7bb9";
    static final String BUILT_IN_COLOR = "#d9822b";

    /** One bar: its label, value and color; the text printed at its end. */
    record Bar(String label, double value, String color, String text) {
    }

    /** One curve of a distribution chart. */
    record Series(String label, List<Double> sortedValues, String color) {
    }

    private static final int WIDTH = 760;

    private SvgCharts() {
    }

    static String bars(String title, String axis, List<Bar> bars, String stamp) {
        int left = 230;
        int right = 120;
        int barHeight = 26;
        int top = 60;
        int height = top + bars.size() * (barHeight + 12) + 60;
        double max = bars.stream().mapToDouble(Bar::value).filter(v -> !Double.isNaN(v)).max().orElse(1);
        max = max <= 0 ? 1 : max;
        StringBuilder svg = header(height, title);
        int y = top;
        for (Bar bar : bars) {
            double w = Double.isNaN(bar.value()) ? 0 : Math.max(1, (WIDTH - left - right) * bar.value() / max);
            svg.append(text(left - 8, y + barHeight * 0.68, bar.label(), "end", 13));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    left, y, w, barHeight, bar.color()));
            svg.append(text(left + w + 6, y + barHeight * 0.68, bar.text(), "start", 12));
            y += barHeight + 12;
        }
        svg.append(text(left, y + 14, axis, "start", 12));
        return footer(svg, height, stamp);
    }

    /** Cumulative share of samples at or below each value; a logarithmic value axis when {@code logX}. */
    static String distribution(String title, String axis, List<Series> series, boolean logX, String stamp) {
        int left = 70;
        int right = 30;
        int top = 60;
        int plotHeight = 300;
        int height = top + plotHeight + 110;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Series s : series) {
            for (double v : s.sortedValues()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max <= 0) {
            max = 1;
        }
        double lo = logX ? Math.pow(10, Math.floor(Math.log10(Math.max(min, 1)))) : 0;
        double hi = logX ? Math.pow(10, Math.ceil(Math.log10(max))) : niceCeiling(max);
        if (logX && hi <= lo) {
            hi = lo * 10;
        }
        int plotWidth = WIDTH - left - right;
        StringBuilder svg = header(height, title);
        svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                left, top, plotWidth, plotHeight));
        for (int pct = 0; pct <= 100; pct += 25) {
            double y = top + plotHeight * (1 - pct / 100.0);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    left, left + plotWidth, y, y));
            svg.append(text(left - 6, y + 4, pct + "%", "end", 11));
        }
        double[] ticks = logX ? logTicks(lo, hi) : linearTicks(hi);
        for (double t : ticks) {
            double x = left + plotWidth * position(t, lo, hi, logX);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>%n",
                    x, x, top, top + plotHeight));
            svg.append(text(x, top + plotHeight + 16, format(t), "middle", 11));
        }
        svg.append(text(left + plotWidth / 2.0, top + plotHeight + 36, axis, "middle", 12));
        int legendY = top + plotHeight + 58;
        int legendX = left;
        for (Series s : series) {
            List<Double> v = s.sortedValues();
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < v.size(); i++) {
                double x = left + plotWidth * position(Math.max(v.get(i), logX ? lo : 0), lo, hi, logX);
                double yBefore = top + plotHeight * (1 - (double) i / v.size());
                double yAfter = top + plotHeight * (1 - (double) (i + 1) / v.size());
                path.append(String.format(Locale.ROOT, "%s%.1f,%.1f L%.1f,%.1f ", i == 0 ? "M" : "L", x, yBefore, x,
                        yAfter));
            }
            if (!v.isEmpty()) {
                svg.append(String.format("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path,
                        s.color()));
            }
            svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>%n", legendX,
                    legendY - 11, s.color()));
            svg.append(text(legendX + 20, legendY, s.label() + " (" + v.size() + " samples)", "start", 12));
            legendX += 340;
        }
        return footer(svg, height, stamp);
    }

    private static double position(double value, double lo, double hi, boolean log) {
        double p = log ? (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : value / hi;
        return Math.max(0, Math.min(1, p));
    }

    private static double[] logTicks(double lo, double hi) {
        int n = (int) Math.round(Math.log10(hi / lo)) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = lo * Math.pow(10, i);
        }
        return t;
    }

    private static double[] linearTicks(double hi) {
        double[] t = new double[6];
        for (int i = 0; i < 6; i++) {
            t[i] = hi * i / 5;
        }
        return t;
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= v) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static StringBuilder header(int height, String title) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(text(WIDTH / 2.0, 28, title, "middle", 16));
        return svg;
    }

    private static String footer(StringBuilder svg, int height, String stamp) {
        svg.append(text(WIDTH / 2.0, height - 10, stamp, "middle", 10));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(s));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static Map<String, String> colors() {
        return Map.of("plugin", PLUGIN_COLOR, "built-in", BUILT_IN_COLOR);
    }
}
