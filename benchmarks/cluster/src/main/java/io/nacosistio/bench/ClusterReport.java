package io.nacosistio.bench;

import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** {@code docs/benchmarks/cluster/RESULTS.md}, written from one run; nothing in it is typed by hand. */
final class ClusterReport {

    private ClusterReport() {
    }

    static String markdown(ClusterBenchMain.Run run) {
        Results.Machine m = run.machine();
        ClusterBenchMain.Config c = run.config();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results: the plugin in a three-member Nacos 3.1 cluster\n\n");
        md.append("Written by `bench/cluster.sh`; the method is in [../README.md](../README.md#nacos-cluster) and "
                + "[../../cluster.md](../../cluster.md). Do not edit: run the command again.\n\n");
        md.append(String.format(Locale.ROOT, "- Machine: %d cores (%s), %.1f GiB memory, %s, %s.%n", m.cores(), m.cpu(),
                m.memoryBytes() / (double) (1L << 30), m.os(), m.jvm()));
        md.append("- Date: ").append(m.date()).append(".\n");
        md.append(String.format(Locale.ROOT, "- Run time: %.1f min (the three members' boot %.0f s, the registry's fill"
                + " %.0f s, then %.1f s until every member's plugin served every service).%n", run.seconds() / 60,
                run.bootSeconds(), run.fillSeconds(), run.replicatedSeconds()));
        md.append(String.format(Locale.ROOT, "- **Load**: the machine was busy %.2f of its %d cores on average while"
                + " the command ran (the three members, each in a JVM of its own, and the benchmark's JVM: Nacos"
                + " clients and istiod-like streams, %.2f cores); 1-minute load average %.1f before, %.1f after.%n",
                run.load().machineBusyCores(), m.cores(), run.load().ownProcessCores(),
                run.load().loadAverageBefore(), run.load().loadAverageAfter()));
        md.append(String.format(Locale.ROOT, "- Cluster: 3 members on loopback, embedded storage over JRaft, Distro for"
                + " the ephemeral instances (Nacos's defaults: a change reaches the other members after 1 s), each"
                + " member `-Xmx%s -XX:+UseSerialGC`; the plugin on each with a 100 ms quiet period, 1 s max delay,"
                + " leading edge on%s.%n", c.memberHeap(), c.memberProperties().isEmpty() ? ""
                : "; besides Nacos's defaults " + c.memberProperties().entrySet().stream()
                        .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(Collectors.joining(", "))));
        md.append(String.format(Locale.ROOT, "- Registry: %,d services × %d instances = %,d endpoints, a third of the"
                + " services registered through each member by %d Nacos clients of its own (`batchRegisterInstance`,"
                + " %,d services per client; Distro replicates a client's instances as one unit).%n", c.services(),
                c.endpoints(), c.services() * c.endpoints(), c.clientsPerMember(),
                c.services() / 3 / c.clientsPerMember()));
        md.append(String.format(Locale.ROOT, "- Changes: %d (after %d not counted), one every %d ms, through the members"
                + " in turn; each re-registers one service's instances with one instance's label changed. A change is"
                + " timed from the return of the client's call to the first ServiceEntry response on a member's"
                + " stream that holds it; %d were not delivered within 60 s.%n%n", c.changes(), 15,
                c.intervalMillis(), run.undelivered()));

        md.append("## Change → every member's MCP stream\n\n");
        md.append("| stream on | through the same member: p50 / p99 / max (ms) | through another member: p50 / p99 /"
                + " max (ms) | changes seen (same / other) |\n|---|---|---|---|\n");
        for (ClusterBenchMain.MemberResult r : run.members()) {
            md.append(String.format(Locale.ROOT, "| member %d | %s | %s | %d / %d |%n", r.member() + 1,
                    dist(r.sameMember()), dist(r.otherMembers()), r.sameMember().count(), r.otherMembers().count()));
        }
        md.append(String.format(Locale.ROOT, "| **all** | **%s** | **%s** | %d / %d |%n%n", dist(run.allSameMember()),
                dist(run.allOtherMembers()), run.allSameMember().count(), run.allOtherMembers().count()));
        md.append("A change through another member waits for Distro, which sends it to the other members one second"
                + " after it (`nacos.core.protocol.distro.data.sync.delayMs`); the plugin then publishes at once.\n\n");
        ClusterBenchMain.ChangePhase phase = run.changePhase();
        md.append(String.format(Locale.ROOT, "While the changes ran (%.0f s) the machine was busy %.2f of its %d cores:"
                + " the members %s cores (of which the plugin's threads %s), the benchmark's JVM %.2f (decoding"
                + " every response of the three streams)."
                + " Every change is one MCP response of the whole ServiceEntry set on each member's stream (%.1f MB"
                + " here), since MCP sends a kind's full set each time.%n%n", phase.seconds(), phase.machineBusyCores(),
                m.cores(), cores(run, ClusterBenchMain.MemberResult::changeCores),
                cores(run, ClusterBenchMain.MemberResult::changePluginCores), phase.benchCores(),
                run.members().get(0).responseBytes() / 1e6));

        md.append(String.format(Locale.ROOT, "## Each member at %,d endpoints%n%n", c.services() * c.endpoints()));
        md.append("| member | heap used after full collections (MiB) | resident set (MiB) | a new stream's full"
                + " ServiceEntry set (ms) | its size (MB) |\n|---|---|---|---|---|\n");
        for (ClusterBenchMain.MemberResult r : run.members()) {
            md.append(String.format(Locale.ROOT, "| member %d | %.1f | %.1f | %.0f | %.1f |%n", r.member() + 1,
                    r.heapUsedBytes() / (double) (1 << 20), r.rssBytes() / (double) (1 << 20), r.syncMillis(),
                    r.responseBytes() / 1e6));
        }
        md.append("\nThe heap is the whole member's: Nacos (its naming data, Distro's copy of every member's clients,"
                + " config) and the plugin (its index, the converted ServiceEntries and the last set sent). It is read"
                + " with `jcmd <pid> GC.heap_info` after two `jcmd <pid> GC.run`. The full set is timed from the"
                + " subscription of the member's measuring stream, once every member serves every service.\n");
        return md.toString();
    }

    private static String cores(ClusterBenchMain.Run run, ToDoubleFunction<ClusterBenchMain.MemberResult> of) {
        StringBuilder cores = new StringBuilder();
        for (ClusterBenchMain.MemberResult r : run.members()) {
            cores.append(cores.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f",
                    of.applyAsDouble(r)));
        }
        return cores.toString();
    }

    private static String dist(Distribution d) {
        return d.count() == 0 ? "–" : String.format(Locale.ROOT, "%.0f / %.0f / %.0f", d.p50(), d.p99(), d.max());
    }
}
