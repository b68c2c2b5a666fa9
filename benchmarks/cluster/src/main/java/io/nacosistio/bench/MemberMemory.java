package io.nacosistio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A cluster member's heap, read from outside its JVM with jcmd (its resident set: {@link ProcessStats}). */
final class MemberMemory {

    /** A generation's line in {@code GC.heap_info}: {@code def new generation   total 1234K, used 567K [...]}. */
    private static final Pattern GENERATION_USED = Pattern.compile("generation\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

    private MemberMemory() {
    }

    /** Heap used after two full collections ({@code jcmd GC.run}), summed over the generations, in bytes. */
    static long heapUsedAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = GENERATION_USED.matcher(info);
        long usedKb = 0;
        boolean found = false;
        while (m.find()) {
            usedKb += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info printed no generation (not the serial"
                    + " collector?): " + info);
        }
        return usedKb * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
        List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid), command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
