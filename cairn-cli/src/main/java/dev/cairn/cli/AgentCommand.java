package dev.cairn.cli;

import dev.cairn.agent.Agent;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run a node agent (one per node) in the foreground.",
                "",
                "The agent registers with the controller over HTTP, heartbeats, and runs the work",
                "the controller sends it. It never talks to the coordination store."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--controller", required = true, paramLabel = "URL", description = "Controller URL, e.g. http://10.0.0.5:7070.")
    String controller;

    @Option(names = "--name", required = true, description = "This node's name (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--labels", paramLabel = "k=v,...", description = "Labels for targeting and placement, e.g. zone=a,disk=ssd.")
    String labels;

    @Option(names = "--heartbeat-interval", defaultValue = "500ms", description = "Heartbeat interval (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--data", paramLabel = "DIR", description = "Where the agent keeps service pid files, logs and state (default: .cairn-agent/<name>).")
    java.nio.file.Path data;

    @Option(names = "--trusted-keys", paramLabel = "DIR|FILE",
            description = "Ed25519 public keys (*.pub, *.pem) whose signatures make extension modules runnable here (default: <data>/trusted-keys).")
    java.nio.file.Path trustedKeys;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        java.nio.file.Path dir = data != null ? data : java.nio.file.Path.of(".cairn-agent", dev.cairn.core.Names.requireNode(name));
        Agent agent = new Agent(controller, name, Labels.parse(labels), Durations.parse("--heartbeat-interval", interval), dir, trustedKeys).start();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("agent %s registered with %s%n", name, controller);
        out.flush();
        Foreground.runUntilSignalled("agent " + name, agent);
        return 0;
    }
}
