package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = "List nodes and put them in or out of standby.",
        subcommands = {NodeCommand.ListNodes.class, NodeCommand.Standby.class, NodeCommand.Online.class})
public final class NodeCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show every node with its state (up/down), labels and last heartbeat.",
                    "--json prints {\"nodes\":[{\"name\",\"state\",\"labels\",\"lastHeartbeat\"}]}."})
    static final class ListNodes implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/nodes");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                return Output.json(out, r);
            }
            Table t = new Table("NAME", "STATE", "LABELS", "LAST HEARTBEAT");
            for (JsonNode n : r.path("nodes")) {
                List<String> labels = new ArrayList<>();
                n.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
                String state = n.path("state").asText() + (n.path("standby").asBoolean() ? " (standby)" : "");
                t.row(n.path("name").asText(), state, labels.isEmpty() ? "-" : String.join(",", labels),
                        n.path("lastHeartbeat").isNull() ? "never" : n.path("lastHeartbeat").asText());
            }
            t.print(out);
            return 0;
        }
    }

    @Command(name = "standby", mixinStandardHelpOptions = true,
            description = "Put a node in standby: the policy engine moves its services elsewhere.")
    static final class Standby implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "The node.")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            client.client().post("/api/v1/nodes/" + name + "/standby", null);
            spec.commandLine().getOut().println("node " + name + " is in standby");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "online", mixinStandardHelpOptions = true,
            description = "Take a node out of standby.")
    static final class Online implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "The node.")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            client.client().post("/api/v1/nodes/" + name + "/online", null);
            spec.commandLine().getOut().println("node " + name + " is online");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
