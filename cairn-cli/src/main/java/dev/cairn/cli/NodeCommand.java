package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = "List nodes and put them in or out of standby.",
        subcommands = {NodeCommand.ListNodes.class, NodeCommand.Standby.class, NodeCommand.Online.class})
public final class NodeCommand extends CommandGroup {
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show every node with its state (up/down), labels and last heartbeat.",
                    "--json prints {\"nodes\":[{\"name\",\"state\",\"labels\",\"lastHeartbeat\"}]}."})
    static final class ListNodes extends ApiView {
        @Override
        String path() { return "/api/v1/nodes"; }

        @Override
        int print(JsonNode r) {
            Table t = new Table("NAME", "STATE", "LABELS", "LAST HEARTBEAT");
            for (JsonNode n : r.path("nodes")) {
                List<String> labels = new ArrayList<>();
                n.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
                String state = n.path("state").asText() + (n.path("standby").asBoolean() ? " (standby)" : "");
                t.row(n.path("name").asText(), state, labels.isEmpty() ? "-" : String.join(",", labels),
                        n.path("lastHeartbeat").isNull() ? "never" : n.path("lastHeartbeat").asText());
            }
            return client.table(t);
        }
    }

    /** {@code standby} and {@code online}: the same request to a node's {@code /standby} or {@code /online}. */
    abstract static class Switch implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "The node.")
        String name;

        private final String action;
        private final String done;

        Switch(String action, String done) {
            this.action = action;
            this.done = done;
        }

        @Override
        public Integer call() {
            client.client().post("/api/v1/nodes/" + name + "/" + action, null);
            return client.line("node " + name + " is " + done);
        }
    }

    @Command(name = "standby", mixinStandardHelpOptions = true,
            description = "Put a node in standby: the policy engine moves its services elsewhere.")
    static final class Standby extends Switch {
        Standby() { super("standby", "in standby"); }
    }

    @Command(name = "online", mixinStandardHelpOptions = true,
            description = "Take a node out of standby.")
    static final class Online extends Switch {
        Online() { super("online", "online"); }
    }
}
