package dev.cairn.controller.deploy.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters over every DPE of this controller, for benchmarks and diagnosis: decision rounds, time
 * spent deciding (scheduler included) and writing, and the store operations the rounds caused.
 */
public final class DpeStats {
    final LongAdder rounds = new LongAdder();
    final LongAdder decideNanos = new LongAdder();
    final LongAdder roundNanos = new LongAdder();
    final LongAdder actions = new LongAdder();
    final LongAdder results = new LongAdder();
    final LongAdder viewWrites = new LongAdder();

    /** A snapshot: rounds, decideMs, roundMs, actions, results, viewWrites. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("rounds", rounds.sum());
        m.put("decideMs", decideNanos.sum() / 1_000_000);
        m.put("roundMs", roundNanos.sum() / 1_000_000);
        m.put("actions", actions.sum());
        m.put("results", results.sum());
        m.put("viewWrites", viewWrites.sum());
        return m;
    }
}
