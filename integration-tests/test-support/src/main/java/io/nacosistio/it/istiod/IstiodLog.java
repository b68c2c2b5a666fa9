package io.nacosistio.it.istiod;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * istiod's combined output, read line by line by one thread ({@code istiod-log}) that also copies it to a
 * file which outlives the test. Every line is kept with the moment it arrived, so a test can say when istiod
 * reported something, not just that it did.
 */
public final class IstiodLog {

    /** One line of output and when this JVM read it ({@link System#nanoTime()}). */
    public record Line(long nanoTime, String text) {
    }

    /** The line istiod logs once every subscribed config type has been answered. */
    public static final String SYNCED = "All caches have been synced";

    /**
     * What istiod logs when it drops one of our resources: validation failures (create and update), Any or
     * body decoding failures, bad names. Taken from istiod's MCP client (pkg/adsc).
     */
    public static final List<String> RESOURCE_PROBLEMS = List.of(
            "Error adding a new resource to the store",
            "Error updating an existing resource in the store",
            "Error unmarshalling received MCP config",
            "Error convert resource to pilot config",
            "Error deleting an outdated resource from the store",
            "Invalid data");

    /**
     * What istiod's MCP client logs when its stream to a config source ends (it then reconnects):
     * {@code connection closed with err} since 1.2x, {@code Connection closed for node ... with err} in 1.22.
     */
    public static final Pattern STREAM_CLOSED = Pattern.compile("connection closed (for node \\S+ )?with err",
            Pattern.CASE_INSENSITIVE);

    /** What a gRPC peer that refuses istiod's keepalive pings causes. */
    public static final Pattern KEEPALIVE_TROUBLE = Pattern.compile("too_many_pings|GOAWAY|ENHANCE_YOUR_CALM",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern RECEIVED = Pattern.compile("\\bReceived\\s+type=(\\S+) count=(\\d+)");

    private final List<Line> lines = new ArrayList<>();
    private final Path file;
    private final Thread reader;

    private IstiodLog(InputStream output, Path file) {
        this.file = file;
        this.reader = new Thread(() -> read(output), "istiod-log");
        this.reader.setDaemon(true);
    }

    static IstiodLog follow(InputStream output, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        IstiodLog log = new IstiodLog(output, file);
        log.reader.start();
        return log;
    }

    private void read(InputStream output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                long now = System.nanoTime();
                synchronized (lines) {
                    lines.add(new Line(now, text));
                    lines.notifyAll();
                }
                out.write(text);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add(new Line(System.nanoTime(), "(reading istiod's output failed: " + e + ")"));
            }
        }
    }

    /** Where the whole output is kept. */
    public Path file() {
        return file;
    }

    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The first line, from {@code fromIndex} on, that matches, waiting up to {@code timeoutMillis} for it. */
    public Optional<Line> await(Predicate<String> match, int fromIndex, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        int next = fromIndex;
        synchronized (lines) {
            while (true) {
                for (; next < lines.size(); next++) {
                    if (match.test(lines.get(next).text())) {
                        return Optional.of(lines.get(next));
                    }
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return Optional.empty();
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    public int size() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Lines containing any of the given fragments. */
    public List<String> containing(List<String> fragments) {
        return matching(text -> fragments.stream().anyMatch(text::contains));
    }

    public List<String> matching(Predicate<String> match) {
        return lines().stream().map(Line::text).filter(match).toList();
    }

    /** Lines where istiod dropped one of our resources. */
    public List<String> resourceProblems() {
        return containing(RESOURCE_PROBLEMS);
    }

    /** Lines telling of keepalive pings refused by the MCP server. */
    public List<String> keepaliveTrouble() {
        return matching(text -> KEEPALIVE_TROUBLE.matcher(text).find());
    }

    /** Lines where istiod's MCP stream ended. */
    public List<String> streamClosures() {
        return matching(text -> STREAM_CLOSED.matcher(text).find());
    }

    /**
     * The config types istiod received from its MCP sources, each with the resource count of the latest
     * response (its MCP client logs one {@code Received} line per response).
     */
    public java.util.Map<String, Integer> received() {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Line line : lines()) {
            java.util.regex.Matcher m = RECEIVED.matcher(line.text());
            if (m.find()) {
                counts.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        return counts;
    }

    /** The last lines, for failure messages. */
    public String tail(int count) {
        List<Line> all = lines();
        StringBuilder out = new StringBuilder();
        for (Line line : all.subList(Math.max(0, all.size() - count), all.size())) {
            out.append("  | ").append(line.text()).append('\n');
        }
        return out.toString();
    }

    void awaitEnd(long millis) throws InterruptedException {
        reader.join(millis);
    }
}
