package io.nacosistio.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines of a scenario JVM; the orchestrator shows exactly the lines that carry this prefix. */
final class Log {

    static final String PREFIX = "[bench] ";

    private Log() {
    }

    static void info(String format, Object... args) {
        System.out.println(PREFIX + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + String.format(format, args));
        System.out.flush();
    }
}
