package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "repo", mixinStandardHelpOptions = true,
        description = {"Manage the Universe repositories packages are installed from.",
                "",
                "A repository is a DC/OS Universe: a directory tree (repo/packages/<L>/<name>/<rev>/)",
                "or a JSON index, over file://, http:// or https://."},
        subcommands = {RepoCommand.Add.class, RepoCommand.ListRepos.class, RepoCommand.Remove.class})
public final class RepoCommand extends CommandGroup {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a repository (checked by reading it once).")
    static final class Add implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "NAME", description = "A name for it, [a-z0-9]+.")
        String name;

        @Parameters(index = "1", paramLabel = "URI", description = "file:///path/to/universe, https://host/index.json, …")
        String uri;

        @Override
        public Integer call() {
            client.client().post("/api/v1/repos", Map.of("name", name, "uri", uri));
            return client.line("repository " + name + " added: " + uri);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List repositories.")
    static final class ListRepos implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON: {\"repositories\":[{\"name\",\"uri\"}]}.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/repos");
            if (json) return client.json(r);
            Table t = new Table("NAME", "URI");
            for (JsonNode n : r.path("repositories")) t.row(n.path("name").asText(), n.path("uri").asText());
            return client.table(t);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a repository (installed packages stay).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            client.client().delete("/api/v1/repos/" + name);
            return client.line("repository " + name + " removed");
        }
    }
}
