package io.nacosistio.plugin.concurrent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class OwnerThreadTest {

    @Test
    void theFirstCallerOwnsItAndAnyOtherThreadIsRefused() throws InterruptedException {
        OwnerThread owner = new OwnerThread("the test index");
        owner.check();
        owner.check();

        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                owner.check();
            } catch (Throwable t) {
                fromOther.set(t);
            }
        }, "intruder");
        other.start();
        other.join();

        assertThat(fromOther.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the test index is confined to thread '" + Thread.currentThread().getName())
                .hasMessageContaining("called from 'intruder'");
    }
}
