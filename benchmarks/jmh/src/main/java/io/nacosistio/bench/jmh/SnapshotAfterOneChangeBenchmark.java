package io.nacosistio.bench.jmh;

import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.registry.RegistryIndex;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the index does after one instance change in a registry of 1k or 10k services: apply the one changed
 * service (one conversion, one serialization), alone and followed by publishing the new ServiceEntry set with
 * its new version. Work proportional to the registry shows as a 10k figure ten times the 1k one. The
 * conversions per operation are counted and printed at the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SnapshotAfterOneChangeBenchmark {

    private static final int ENDPOINTS = 10;

    @Param({"1000", "10000"})
    public int services;

    private final AtomicLong conversions = new AtomicLong();
    private RegistryIndex index;
    private ServiceKey changedKey;
    private RegistryService[] states;
    private long operations;

    @Setup(Level.Trial)
    public void fillIndex() {
        index = new RegistryIndex(SampleRegistry.converter(conversions), () -> 1_700_000_000_000L);
        for (int s = 0; s < services; s++) {
            index.apply(SampleRegistry.key(s), Optional.of(SampleRegistry.service(s, ENDPOINTS, 0)));
        }
        index.snapshot();
        int changed = services / 2;
        changedKey = SampleRegistry.key(changed);
        // Two states of one service that differ in one instance's label: every operation is a real change.
        states = new RegistryService[] {SampleRegistry.service(changed, ENDPOINTS, 1),
                SampleRegistry.service(changed, ENDPOINTS, 2)};
        conversions.set(0);
    }

    /** The per-service part alone: read state in, one conversion, one serialization, index maps updated. */
    @Benchmark
    public RegistryIndex.Outcome applyOneChange() {
        return index.apply(changedKey, Optional.of(states[(int) (operations++ & 1)]));
    }

    @Benchmark
    public ResourceSet applyOneChangeAndPublish() {
        index.apply(changedKey, Optional.of(states[(int) (operations++ & 1)]));
        return index.snapshot();
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%d services: %.3f conversions per changed service (%d operations, %d served)%n",
                services, (double) conversions.get() / operations, operations, index.snapshot().resources().size());
    }
}
