package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.instances.InstanceNames;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "role", mixinStandardHelpOptions = true,
        description = {"Roles group instances: each has a directory in every basedir.",
                "Role 'shared' always exists."},
        subcommands = {RoleCommand.Create.class, RoleCommand.ListRoles.class, RoleCommand.Delete.class})
public final class RoleCommand extends CommandGroup {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a role and its directory in every basedir.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "[a-z0-9]+")
        String name;

        @Override
        public Integer call() {
            InstanceNames.requireRole(name);
            client.client().post("/api/v1/roles", Map.of("name", name));
            return client.line("role " + name + " created");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Every role with its instance count.", "--json prints {\"roles\":[{\"name\",\"instances\",\"directories\"}]}."})
    static final class ListRoles extends ApiView {
        @Override
        String path() { return "/api/v1/roles"; }

        @Override
        int print(JsonNode r) {
            Table t = new Table("ROLE", "INSTANCES");
            for (JsonNode role : r.path("roles")) t.row(role.path("name").asText(), role.path("instances").asLong());
            return client.table(t);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a role that has no instances (its empty directories go too).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            InstanceNames.requireRole(name);
            client.client().delete("/api/v1/roles/" + name);
            return client.line("role " + name + " deleted");
        }
    }
}
