package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.instances.InstanceNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "instance", mixinStandardHelpOptions = true,
        description = {"Named instances of packages on the shared filesystem.",
                "",
                "Not installed -> Staged -> Installed (not running) -> Running -> Removed (stage kept).",
                "Stage: <shared>/cairn/shared/<app>/stage/<version>/; home: <shared>/<basedir>/<role>/<app>/<id>/.",
                "Instances are named ROLE/ID; names are [a-z0-9]+."},
        subcommands = {InstanceCommand.Stage.class, InstanceCommand.Install.class, InstanceCommand.Start.class, InstanceCommand.Stop.class,
                InstanceCommand.Remove.class, InstanceCommand.ListInstances.class, InstanceCommand.Show.class, InstanceCommand.Unstage.class})
public final class InstanceCommand implements Runnable {
    static final Duration LONG = Duration.ofMinutes(6);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String path(InstanceNames.Key k) {
        return "/api/v1/instances/" + k.role() + "/" + k.id();
    }

    /** The longest one wait on the controller lasts (it answers as soon as what it waits for happened). */
    static final Duration ROUND = Duration.ofSeconds(30);

    /**
     * Waits on the controller while the instance is {@code what} (installing, starting, stopping):
     * each request is answered as soon as that is over, or after at most {@link #ROUND}; stops when
     * {@code done} accepts an answer or {@code timeout} has passed, and returns the last answer.
     * {@code round} is told of every answer that did not end the wait.
     */
    static JsonNode waitWhile(ApiClient api, InstanceNames.Key k, String what, Duration timeout, JsonNode first,
                              java.util.function.Predicate<JsonNode> done, java.util.function.Consumer<JsonNode> round) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = first;
        while (!done.test(last)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return last;
            Duration wait = Duration.ofNanos(Math.min(left, ROUND.toNanos()));
            last = api.get(path(k) + "?wait=" + Math.max(1, wait.toMillis()) + "ms&while=" + what, wait.plusSeconds(15));
            if (!done.test(last)) round.accept(last);
        }
        return last;
    }

    abstract static class Base implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() { return spec.commandLine().getOut(); }

        void print(String s) {
            out().println(s);
            out().flush();
        }
    }

    @Command(name = "stage", mixinStandardHelpOptions = true,
            description = "Copy an installed package (APP or APP@VERSION; newest by default) into its stage on the shared filesystem.")
    static final class Stage extends Base {
        @Parameters(paramLabel = "APP[@VERSION]")
        String app;

        @Override
        public Integer call() {
            InstanceNames.AppRef.parse(app);
            JsonNode r = client.client().post("/api/v1/instances/stage", Map.of("app", app), LONG);
            print((r.path("created").asBoolean() ? "staged " : "already staged ") + r.path("app").asText() + "@" + r.path("version").asText()
                    + " in " + r.path("path").asText() + " (" + r.path("files").asInt() + " files)");
            return 0;
        }
    }

    @Command(name = "unstage", mixinStandardHelpOptions = true,
            description = "Delete an app's stage (all versions, or APP@VERSION); refused while an instance uses it.")
    static final class Unstage extends Base {
        @Parameters(paramLabel = "APP[@VERSION]")
        String app;

        @Override
        public Integer call() {
            InstanceNames.AppRef.parse(app);
            JsonNode r = client.client().post("/api/v1/instances/unstage", Map.of("app", app));
            print("unstaged " + r.path("app").asText() + " " + r.path("removed"));
            return 0;
        }
    }

    // not mixinStandardHelpOptions: its -V/--version would clash with --version V below, and picocli then
    // drops the standard options altogether (--help was refused as "Missing required options")
    @Command(name = "install",
            description = {"Install a named instance: options merged over the package's defaults and validated, config rendered",
                    "into the home, instance.states applied, instance recorded. Stages the package if needed."})
    static final class Install extends Base {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Parameters(paramLabel = "APP[@VERSION]")
        String app;

        @Option(names = "--role", required = true, description = "Role to install into (see 'cairn role list').")
        String role;

        @Option(names = "--id", required = true, description = "Instance id, [a-z0-9]+.")
        String id;

        @Option(names = "--basedir", description = "Basedir of the home (apps, data, etl, cairn; default apps).")
        String basedir;

        @Option(names = "--options", paramLabel = "FILE", description = "A JSON (or YAML) file with the options.")
        Path options;

        @Option(names = "--version", paramLabel = "V", description = "Package version (default: APP@VERSION, else the newest).")
        String version;

        @Option(names = "--json", description = "Print the instance as JSON.")
        boolean json;

        @Override
        public Integer call() {
            InstanceNames.AppRef ref = InstanceNames.AppRef.parse(app);
            new InstanceNames.Key(role, id);
            if (version != null && ref.version().isPresent() && !version.equals(ref.version().get())) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "two versions given: " + app + " and --version " + version, "give one");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("app", ref.app());
            body.put("role", role);
            body.put("id", id);
            if (basedir != null) body.put("basedir", basedir);
            if (options != null) body.put("options", readOptions(options));
            String v = version != null ? version : ref.version().orElse(null);
            if (v != null) body.put("version", v);
            ApiClient api = client.client();
            InstanceNames.Key key = new InstanceNames.Key(role, id);
            // the controller records the install and answers; the leader carries it out, and we wait for the outcome
            // (a failed install answers the wait with its error)
            JsonNode r = api.post("/api/v1/instances", body, LONG);
            java.io.PrintWriter progress = spec.commandLine().getErr();
            if (!json) {
                progress.println("installing " + r.path("app").asText() + "@" + r.path("version").asText() + " as " + key + " …");
                progress.flush();
            }
            r = waitWhile(api, key, "installing", LONG, r, x -> !x.path("step").asText().equals("install"), x -> {
                if (json) return;
                progress.println("still installing " + key + " (since " + x.path("updatedAt").asText() + ")");
                progress.flush();
            });
            if (r.path("step").asText().equals("install")) {
                throw new CairnException(ErrorCode.OPERATION_FAILED, "instance " + key + " is still installing after " + LONG.toMinutes() + " minutes",
                        "the cluster carries on with it; see 'cairn instance show " + key + "'");
            }
            if (json) {
                print(Json.string(r));
            } else {
                print("installed " + r.path("app").asText() + "@" + r.path("version").asText() + " as " + r.path("role").asText() + "/"
                        + r.path("id").asText() + " in " + r.path("home").asText());
                if (!r.path("notRunnable").isNull() && !r.path("notRunnable").isMissingNode()) print("note: " + r.path("notRunnable").asText());
            }
            return 0;
        }
    }

    static JsonNode readOptions(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read options file " + file + ": " + e.getMessage(), "give a readable JSON file");
        }
        try {
            return Json.MAPPER.readTree(b);
        } catch (IOException notJson) {
            try {
                return Json.YAML.readTree(b);
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "options file " + file + " is neither JSON nor YAML: "
                        + String.valueOf(notJson.getMessage()).lines().findFirst().orElse(""), "write the options as a JSON object");
            }
        }
    }

    abstract static class Keyed extends Base {
        @Parameters(paramLabel = "ROLE/ID")
        String instance;

        InstanceNames.Key key() { return InstanceNames.Key.parse(instance); }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Hand the instance's service to the policy engine (deployment role-<role>); --wait until it runs.")
    static final class Start extends Keyed {
        @Option(names = "--wait", description = "Wait until the service is running.")
        boolean wait;

        @Option(names = "--timeout", defaultValue = "60s", description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            JsonNode r = api.post(path(key()) + "/start", null);
            print("instance " + key() + " started as " + r.path("deployment").asText() + "/" + r.path("service").asText());
            if (!wait) return 0;
            // until its service runs, or the instance no longer runs (someone stopped it)
            JsonNode s = waitWhile(api, key(), "starting", Durations.parse("--timeout", timeout), r,
                    x -> x.path("serviceState").asText().equals("running") || !x.path("state").asText().equals("running"), x -> { });
            if (s.path("serviceState").asText().equals("running")) {
                print("instance " + key() + " is running on " + s.path("node").asText());
                return 0;
            }
            throw new CairnException(ErrorCode.OPERATION_FAILED, "instance " + key() + " is not running after " + timeout,
                    "see 'cairn instance show " + key() + "' and 'cairn deployment show role-" + key().role() + "'");
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Take the instance's service out of its role's deployment; it returns to Installed. --wait until it stopped.")
    static final class Stop extends Keyed {
        @Option(names = "--wait", description = "Wait until no node runs the service.")
        boolean wait;

        @Option(names = "--timeout", defaultValue = "60s", description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            JsonNode r = api.post(path(key()) + "/stop", null);
            print("instance " + key() + " stopped");
            if (!wait) return 0;
            String deployment = r.path("deployment").asText();
            String service = r.path("service").asText();
            waitWhile(api, key(), "stopping", Durations.parse("--timeout", timeout), r, x -> !serviceActive(api, deployment, service), x -> { });
            if (!serviceActive(api, deployment, service)) return 0;
            throw new CairnException(ErrorCode.OPERATION_FAILED, "instance " + key() + " still runs after " + timeout,
                    "see 'cairn deployment show role-" + key().role() + "'");
        }
    }

    /** Whether the deployment view still shows the service other than stopped. */
    static boolean serviceActive(ApiClient api, String deployment, String service) {
        JsonNode d;
        try {
            d = api.get("/api/v1/deployments/" + deployment);
        } catch (CairnException e) {
            if (e.code() == ErrorCode.NOT_FOUND) return false;
            throw e;
        }
        for (JsonNode s : d.path("services")) {
            if (s.path("id").asText().equals(service)) return !s.path("state").asText().equals("stopped");
        }
        return false;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Delete the instance's home and record; the stage is kept. A running instance must be stopped first.")
    static final class Remove extends Keyed {
        @Override
        public Integer call() {
            JsonNode r = client.client().delete(path(key()));
            print("removed " + key() + " (" + r.path("home").asText() + " deleted; stage " + r.path("stage").asText() + " kept)");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Every instance with its state and node.",
                    "--json prints {\"instances\":[{\"app\",\"version\",\"role\",\"id\",\"basedir\",\"home\",\"state\",\"node\"}]}."})
    static final class ListInstances extends Base {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/instances");
            if (json) {
                print(Json.string(r));
                return 0;
            }
            Table t = new Table("INSTANCE", "APP", "VERSION", "STATE", "NODE", "HOME");
            for (JsonNode i : r.path("instances")) {
                t.row(i.path("role").asText() + "/" + i.path("id").asText(), i.path("app").asText(), i.path("version").asText(),
                        i.path("state").asText(), i.path("node").isNull() ? "-" : i.path("node").asText(), i.path("home").asText());
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One instance: state, home, service, options, and the error of its last failed step.")
    static final class Show extends Keyed {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get(path(key()));
            if (json) {
                print(Json.string(r));
                return 0;
            }
            for (String f : new String[] {"app", "version", "role", "id", "state", "step", "basedir", "home", "policy", "deployment", "service",
                    "serviceState", "node", "notRunnable", "error", "updatedAt"}) {
                JsonNode v = r.path(f);
                if (v.isMissingNode() || v.isNull()) continue;
                print(String.format("%-13s %s", f + ":", v.asText()));
            }
            if (r.path("command").isArray()) print(String.format("%-13s %s", "command:", r.path("command")));
            if (r.path("options").isObject() && !r.path("options").isEmpty()) print(String.format("%-13s %s", "options:", r.path("options")));
            return 0;
        }
    }
}
