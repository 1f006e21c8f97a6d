package dev.cairn.policy.tool;

import dev.cairn.core.CairnException;
import dev.cairn.policy.PolicyScheduler;
import dev.cairn.policy.Simulation;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.engine.Engine;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.output.SimulateFormatter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A small command for benchmarks and scripts, without the CLI's dependencies:
 * {@code SimulateMain FILE [--show-scores] [--summary-only] [--actions]}.
 * --summary-only prints only the transition summary (no revised status is computed);
 * --actions prints the transition graph's start/stop actions, sorted.
 */
public final class SimulateMain {
    private SimulateMain() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        if (args.length == 0) {
            System.err.println("usage: SimulateMain FILE [--show-scores] [--summary-only] [--actions]");
            System.exit(2);
        }
        boolean scores = false;
        boolean summaryOnly = false;
        boolean actions = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--show-scores" -> scores = true;
                case "--summary-only" -> summaryOnly = true;
                case "--actions" -> actions = true;
                default -> {
                    System.err.println("error: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        try {
            Cib cib = CibReader.read(Path.of(args[0]));
            if (summaryOnly || actions) {
                Simulation sim = Engine.run(cib, Instant.now(), new Engine.Options(scores, false, false));
                if (actions) {
                    sim.graphActions().stream().sorted().forEach(out::println);
                } else {
                    out.println("Transition Summary:");
                    out.print(SimulateFormatter.transitionSummary(sim.plan().transition()));
                }
            } else {
                out.print(SimulateFormatter.format(PolicyScheduler.simulate(cib, Instant.now(), scores), scores));
            }
            out.flush();
        } catch (CairnException e) {
            System.err.println("error: " + e.getMessage());
            if (e.hint() != null) System.err.println("hint: " + e.hint());
            System.exit(e.code().exitCode());
        }
    }
}
