package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.states.source.SlsTree;
import dev.cairn.states.source.StateSources;
import java.io.PrintWriter;
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

/** Cluster state runs: {@code state apply --target}, {@code state runs}, {@code state show}. */
final class StateRunCommands {
    private StateRunCommands() {}

    /** How long one wait for a run's end lasts on the controller (it answers as soon as the run ended). */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Submits a cluster run; with {@code wait}, waits until every node finished or was lost. Returns the exit code. */
    static int apply(ApiClient api, String source, String target, String mode, boolean test, boolean wait, boolean json, PrintWriter out) {
        SlsTree tree = StateSources.open(source);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", tree);
        body.put("target", target);
        body.put("mode", mode);
        body.put("test", test);
        JsonNode run = api.post("/api/v1/state-runs", body);
        String id = run.path("id").asText();
        if (!json) {
            out.printf("state run %s queued on %d node(s): %s%n", id, run.path("nodes").size(), run.path("nodes"));
            out.flush();
        }
        if (!wait) return json ? Output.json(out, run) : 0;
        JsonNode shown;
        do { // each request waits on the controller until the run ended (or WAIT passed)
            shown = api.get("/api/v1/state-runs/" + id + "?wait=" + WAIT.toSeconds() + "s", WAIT.plusSeconds(15));
        } while (shown.path("status").asText().equals("running"));
        print(shown, json, out);
        return shown.path("status").asText().equals("succeeded") ? 0 : 1;
    }

    static void print(JsonNode run, boolean json, PrintWriter out) {
        if (json) {
            out.println(Json.string(run));
            out.flush();
            return;
        }
        out.printf("run %s (%s, mode %s%s): %s%n", run.path("id").asText(), run.path("description").asText(),
                run.path("mode").asText(), run.path("test").asBoolean() ? ", test" : "", run.path("status").asText());
        for (JsonNode n : run.path("nodes")) {
            out.printf("  %s: %s%s%n", n.path("node").asText(), n.path("status").asText(),
                    n.path("error").isNull() || n.path("error").isMissingNode() ? "" : " — " + n.path("error").asText());
            for (JsonNode s : n.path("states")) {
                String mark = s.path("result").isNull() ? "would change" : s.path("result").asBoolean() ? (s.path("changes").isEmpty() ? "ok" : "changed") : "FAILED";
                out.printf("    [%s] %s %s: %s%n", mark, s.path("function").asText(), s.path("id").asText(), s.path("comment").asText(""));
            }
        }
        out.flush();
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List cluster state runs.")
    static final class Runs implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON: {\"runs\":[…]}.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/state-runs");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                return Output.json(out, r);
            }
            Table t = new Table("RUN", "CREATED", "TARGET", "MODE", "NODES", "SOURCE");
            for (JsonNode run : r.path("runs")) {
                t.row(run.path("id").asText(), run.path("createdAt").asText(), run.path("target").asText(), run.path("mode").asText(),
                        run.path("nodes").size(), run.path("description").asText());
            }
            t.print(out);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a cluster state run: per node, per state results.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "RUN")
        String id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (id == null || id.isBlank()) throw new CairnException(ErrorCode.INVALID_INPUT, "a run id is required", "see 'cairn state runs'");
            JsonNode r = client.client().get("/api/v1/state-runs/" + id, Duration.ofSeconds(30));
            print(r, json, spec.commandLine().getOut());
            return 0;
        }
    }
}
