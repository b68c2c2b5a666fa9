package io.nacosistio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine-wide CPU counters of /proc/stat, to tell how busy the machine was besides the benchmark. */
final class MachineCpu {

    private static final Path STAT = Path.of("/proc/stat");

    /** Busy and total jiffies of all cores; zero where /proc/stat is missing. */
    record Ticks(long busy, long total, int cores) {

        double busyCoresSince(Ticks earlier) {
            long total = this.total - earlier.total;
            return total <= 0 ? 0 : (double) (busy - earlier.busy) / total * cores;
        }
    }

    private MachineCpu() {
    }

    static Ticks read() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            List<String> lines = Files.readAllLines(STAT);
            String[] f = lines.get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new Ticks(total - idle, total, cores);
        } catch (IOException | RuntimeException e) {
            return new Ticks(0, 0, cores);
        }
    }

    /** The 1-minute load average, or -1 where unknown. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
