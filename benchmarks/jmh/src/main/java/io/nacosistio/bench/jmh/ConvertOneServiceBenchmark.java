package io.nacosistio.bench.jmh;

import io.nacosistio.plugin.registry.ConvertedService;
import io.nacosistio.plugin.registry.ServiceConverter;
import io.nacosistio.plugin.source.RegistryService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One service: conversion to a ServiceEntry, Istio's validation rules, content hash and serialization. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvertOneServiceBenchmark {

    @Param({"10", "100"})
    public int endpoints;

    private ServiceConverter converter;
    private RegistryService service;

    @Setup
    public void setUp() {
        converter = SampleRegistry.converter(new AtomicLong());
        service = SampleRegistry.service(1, endpoints, 7);
        if (!converter.convert(service).isAccepted()) {
            throw new IllegalStateException("sample service is not servable: " + converter.convert(service).rejections());
        }
    }

    @Benchmark
    public ConvertedService convertValidateSerialize() {
        return converter.convert(service);
    }
}
