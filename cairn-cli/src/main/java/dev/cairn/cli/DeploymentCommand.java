package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "deployment", mixinStandardHelpOptions = true,
        description = "Apply, list, show and delete deployments: services the policy engine places on nodes and keeps running.",
        subcommands = {DeploymentCommand.Apply.class, DeploymentCommand.ListDeployments.class, DeploymentCommand.Show.class,
                DeploymentCommand.Delete.class})
public final class DeploymentCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void print(CommandLine.Model.CommandSpec spec, String line) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(line);
        out.flush();
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Create a deployment, or change it to match FILE (only what changed is restarted).",
                    "FILE is Cairn's deployment YAML or a Pacemaker CIB XML (its configuration section)."})
    static final class Apply implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "FILE", description = "The deployment file (.yaml, .yml, .json or .xml).")
        Path file;

        @Option(names = "--name", description = "The deployment's name for a CIB XML file (default: the file name without extension).")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String content;
            try {
                content = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "file " + file + " does not exist", "check the path");
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(), "check the path and permissions");
            }
            boolean xml = file.toString().endsWith(".xml") || content.stripLeading().startsWith("<");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("format", xml ? "xml" : "yaml");
            body.put("content", content);
            if (xml) {
                String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "").toLowerCase().replaceAll("[^a-z0-9-]", "-");
                body.put("name", name != null ? name : base);
            }
            JsonNode r = client.client().post("/api/v1/deployments", body);
            print(spec, "deployment " + r.path("name").asText() + " " + r.path("result").asText() + " (" + r.path("services").asInt() + " services)");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List deployments with how many of their services run.")
    static final class ListDeployments implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON: {\"deployments\":[{\"name\",\"services\",\"running\",\"deleting\"}]}.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/deployments");
            if (json) {
                print(spec, Json.string(r));
                return 0;
            }
            Table t = new Table("NAME", "SERVICES", "RUNNING", "STATUS");
            for (JsonNode d : r.path("deployments")) {
                t.row(d.path("name").asText(), d.path("services").asInt(), d.path("running").asInt(),
                        d.path("deleting").asBoolean() ? "deleting" : "active");
            }
            t.print(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show each service of a deployment: its state, node and since when.",
                    "States: pending, starting, running, stopping, stopped, failed, blocked.",
                    "--json prints {\"name\",\"services\":[{\"id\",\"state\",\"node\",\"since\"}]}."})
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/deployments/" + name);
            if (json) {
                print(spec, Json.string(r));
                return 0;
            }
            Table t = new Table("SERVICE", "STATE", "NODE", "SINCE");
            for (JsonNode s : r.path("services")) {
                t.row(s.path("id").asText(), s.path("state").asText(), s.path("node").isNull() ? "-" : s.path("node").asText(),
                        s.path("since").isNull() ? "-" : s.path("since").asText());
            }
            t.print(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a deployment: its services are stopped, then it is removed.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--wait", description = "Wait until every service has stopped and the deployment is gone.")
        boolean wait;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            var api = client.client();
            api.delete("/api/v1/deployments/" + name);
            if (wait) {
                while (true) {
                    try {
                        api.get("/api/v1/deployments/" + name);
                    } catch (CairnException e) {
                        if (e.code() == ErrorCode.NOT_FOUND) break;
                        throw e;
                    }
                    Thread.sleep(250);
                }
                print(spec, "deployment " + name + " deleted");
            } else {
                print(spec, "deployment " + name + " is being deleted (its services are stopping)");
            }
            return 0;
        }
    }
}
