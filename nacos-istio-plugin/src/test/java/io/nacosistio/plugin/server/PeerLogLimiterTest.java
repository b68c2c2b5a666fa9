package io.nacosistio.plugin.server;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PeerLogLimiterTest {

    @Test
    void thFirstEventOfAPeerIsLoggedThenOnePerIntervalWithTheCountInBetween() throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        PeerLogLimiter limiter = new PeerLogLimiter(10, TimeUnit.MINUTES, clock::get);
        InetAddress a = InetAddress.getByName("203.0.113.1");
        InetAddress b = InetAddress.getByName("203.0.113.2");
        assertThat(limiter.record(a)).isZero();
        assertThat(limiter.record(a)).isEqualTo(-1);
        assertThat(limiter.record(a)).isEqualTo(-1);
        assertThat(limiter.record(b)).isZero();
        clock.addAndGet(TimeUnit.MINUTES.toNanos(10));
        assertThat(limiter.record(a)).isEqualTo(2);
        assertThat(limiter.record(a)).isEqualTo(-1);
    }
}
