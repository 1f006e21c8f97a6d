package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "repo", mixinStandardHelpOptions = true,
        description = {"Manage the Universe repositories packages are installed from.",
                "",
                "A repository is a DC/OS Universe: a directory tree (repo/packages/<L>/<name>/<rev>/)",
                "or a JSON index, over file://, http:// or https://."},
        subcommands = {RepoCommand.Add.class, RepoCommand.ListRepos.class, RepoCommand.Remove.class})
public final class RepoCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a repository (checked by reading it once).")
    static final class Add implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "NAME", description = "A name for it, [a-z0-9]+.")
        String name;

        @Parameters(index = "1", paramLabel = "URI", description = "file:///path/to/universe, https://host/index.json, …")
        String uri;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            client.client().post("/api/v1/repos", Map.of("name", name, "uri", uri));
            spec.commandLine().getOut().println("repository " + name + " added: " + uri);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List repositories.")
    static final class ListRepos implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON: {\"repositories\":[{\"name\",\"uri\"}]}.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/repos");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                return Output.json(out, r);
            }
            Table t = new Table("NAME", "URI");
            for (JsonNode n : r.path("repositories")) t.row(n.path("name").asText(), n.path("uri").asText());
            t.print(out);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a repository (installed packages stay).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            client.client().delete("/api/v1/repos/" + name);
            spec.commandLine().getOut().println("repository " + name + " removed");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
