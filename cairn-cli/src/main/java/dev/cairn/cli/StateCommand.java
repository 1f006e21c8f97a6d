package dev.cairn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cairn state …}: apply Salt-style states. */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Apply states (Salt SLS syntax) on this machine or, later, on the cluster.",
        subcommands = {StateApplyCommand.class})
public final class StateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
