package io.nacosistio.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The output of a child process copied to a log file line by line, each line also handed to a watcher. */
public final class ProcessOutput {

    private ProcessOutput() {
    }

    /**
     * Copies every line {@code process} prints (standard output, with standard error when redirected into it) to
     * {@code logFile}, flushed line by line so that the file is current while the process runs, and hands it to
     * {@code onLine}; returns when the process closes its output (it exited).
     */
    public static void copy(Process process, Path logFile, Consumer<String> onLine) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                onLine.accept(line);
            }
        }
    }
}
