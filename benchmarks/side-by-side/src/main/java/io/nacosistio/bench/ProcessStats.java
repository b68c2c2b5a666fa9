package io.nacosistio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel says about another process of a benchmark (istiod, a Nacos cluster member): its CPU time
 * ({@code /proc/<pid>/stat}) and resident memory.
 */
final class ProcessStats {

    /** USER_HZ: the unit of utime and stime; 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessStats() {
    }

    /** User + system CPU seconds the process has used. */
    static double cpuSeconds(long pid) {
        try {
            return ticksToSeconds(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    /**
     * User + system CPU seconds used by the process's live threads whose name starts with {@code prefix} (the
     * kernel's copy of a Java thread's name, its first 15 characters; {@code /proc/<pid>/task/<tid>/stat}).
     */
    static double threadCpuSeconds(long pid, String prefix) {
        Path tasks = Path.of("/proc/" + pid + "/task");
        double seconds = 0;
        try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith(prefix)) {
                    seconds += ticksToSeconds(stat);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + tasks + ": " + e.getMessage(), e);
        }
        return seconds;
    }

    /** utime + stime of a {@code stat} line, in seconds. */
    private static double ticksToSeconds(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command: state is field 3, utime 14, stime 15.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** Resident set size in bytes. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
        }
        return -1;
    }
}
