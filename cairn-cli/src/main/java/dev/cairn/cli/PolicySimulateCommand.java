package dev.cairn.cli;

import dev.cairn.policy.PolicyScheduler;
import dev.cairn.policy.Simulation;
import dev.cairn.policy.output.SimulateFormatter;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cairn policy simulate}: crm_simulate -S's output for a CIB or deployment YAML. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Print the current status, the transition and the status after it, in crm_simulate's layout."})
public final class PolicySimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PolicyCommand.Input input;

    @Option(names = "--show-scores", description = "also print every resource's allocation score on every node")
    boolean showScores;

    @Override
    public Integer call() {
        return PolicyCommand.guarded(spec, () -> {
            Simulation sim = PolicyScheduler.simulate(input.load(), Instant.now(), showScores);
            PrintWriter out = spec.commandLine().getOut();
            out.print(SimulateFormatter.format(sim, showScores));
            out.flush();
            return 0;
        });
    }
}
