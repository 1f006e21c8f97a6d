package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.instances.InstanceNames;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "role", mixinStandardHelpOptions = true,
        description = {"Roles group instances (seed 001): each has a directory in every basedir.",
                "Role 'shared' always exists."},
        subcommands = {RoleCommand.Create.class, RoleCommand.ListRoles.class, RoleCommand.Delete.class})
public final class RoleCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a role and its directory in every basedir.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "[a-z0-9]+")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            InstanceNames.requireRole(name);
            client.client().post("/api/v1/roles", Map.of("name", name));
            spec.commandLine().getOut().println("role " + name + " created");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Every role with its instance count.", "--json prints {\"roles\":[{\"name\",\"instances\",\"directories\"}]}."})
    static final class ListRoles implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/roles");
            if (json) {
                spec.commandLine().getOut().println(Json.string(r));
                spec.commandLine().getOut().flush();
                return 0;
            }
            Table t = new Table("ROLE", "INSTANCES");
            for (JsonNode role : r.path("roles")) t.row(role.path("name").asText(), role.path("instances").asLong());
            t.print(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a role that has no instances (its empty directories go too).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            InstanceNames.requireRole(name);
            client.client().delete("/api/v1/roles/" + name);
            spec.commandLine().getOut().println("role " + name + " deleted");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
