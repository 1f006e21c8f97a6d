package dev.cairn.cli;

import picocli.CommandLine.Command;

/** {@code cairn state …}: apply Salt-style states. */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = {"Apply states (Salt SLS syntax) on this machine (--local) or on the cluster's nodes (--target).",
                "",
                "A cluster run is compiled once by the controller, run by each targeted node's agent",
                "and reported state by state: see 'state runs' and 'state show RUN'."},
        subcommands = {StateApplyCommand.class, StateRunCommands.Runs.class, StateRunCommands.Show.class})
public final class StateCommand extends CommandGroup {
    /**
     * Stand-alone entry point ({@code java -cp … dev.cairn.cli.StateCommand apply …}) with a lean
     * class path: used by bench/states until the launcher registers {@code cairn state}.
     */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new StateCommand()).execute(args));
    }
}
