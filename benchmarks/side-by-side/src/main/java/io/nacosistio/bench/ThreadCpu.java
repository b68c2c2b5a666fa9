package io.nacosistio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every live thread, of the whole process and of the whole machine at one moment. The difference
 * of two snapshots attributes CPU to thread groups; threads that end between the two are not counted.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One thread's name and CPU time. */
    record Sample(String name, long cpuNanos) {
    }

    final long wallNanos;
    final long processCpuNanos;
    final MachineCpu.Ticks machine;
    final Map<Long, Sample> threads;

    private ThreadCpu(long wallNanos, long processCpuNanos, MachineCpu.Ticks machine, Map<Long, Sample> threads) {
        this.wallNanos = wallNanos;
        this.processCpuNanos = processCpuNanos;
        this.machine = machine;
        this.threads = threads;
    }

    static ThreadCpu take() {
        Map<Long, Sample> threads = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                threads.put(info.getThreadId(), new Sample(info.getThreadName(), cpu));
            }
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new ThreadCpu(System.nanoTime(), os.getProcessCpuTime(), MachineCpu.read(), threads);
    }

    /** CPU seconds per thread group between {@code earlier} and this snapshot. */
    Map<String, Double> secondsByGroupSince(ThreadCpu earlier) {
        Map<String, Double> result = new TreeMap<>();
        for (Map.Entry<String, Double> e : secondsByThreadSince(earlier).entrySet()) {
            result.merge(ThreadGroups.of(e.getKey()), e.getValue(), Double::sum);
        }
        return result;
    }

    /** CPU seconds per thread name (threads of the same name summed) between {@code earlier} and this snapshot. */
    Map<String, Double> secondsByThreadSince(ThreadCpu earlier) {
        Map<String, Double> result = new TreeMap<>();
        for (Map.Entry<Long, Sample> e : threads.entrySet()) {
            Sample before = earlier.threads.get(e.getKey());
            long delta = e.getValue().cpuNanos() - (before == null ? 0 : before.cpuNanos());
            if (delta > 0) {
                result.merge(e.getValue().name(), delta / 1e9, Double::sum);
            }
        }
        return result;
    }

    double processSecondsSince(ThreadCpu earlier) {
        return (processCpuNanos - earlier.processCpuNanos) / 1e9;
    }

    double wallSecondsSince(ThreadCpu earlier) {
        return (wallNanos - earlier.wallNanos) / 1e9;
    }

    /** CPU the whole machine spent (all processes), in cores on average, between the two snapshots. */
    double machineBusyCoresSince(ThreadCpu earlier) {
        return machine.busyCoresSince(earlier.machine);
    }
}
