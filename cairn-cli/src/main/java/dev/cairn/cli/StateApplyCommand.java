package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.states.LocalApply;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn state apply SOURCE --local [--mode M] [--test] [--json]}. Exit 0 when every state
 * succeeded, 1 when any failed, 2 on compile errors (nothing ran) or bad input.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Compile and apply states from SOURCE: an .sls file, a directory with top.sls, or git+URL#REF:PATH.",
                "Compile errors reject the whole run before anything executes."},
        footer = {"", "Exit codes: 0 every state succeeded, 1 a state failed, 2 compile errors or bad input."})
public final class StateApplyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "an .sls file, a directory with top.sls, or git+URL#REF:PATH")
    String source;

    @Option(names = "--local", description = "Apply on this machine, without a cluster.")
    boolean local;

    @Option(names = "--target", paramLabel = "GLOB|label=value",
            description = "Cluster run on the nodes that are up and match: a name glob (node-*) or label=value.")
    String target;

    @Option(names = "--wait", description = "With --target: wait until every node finished (or was lost) and print the results.")
    boolean wait;

    @picocli.CommandLine.Mixin
    ClientOptions client;

    @Option(names = "--mode", paramLabel = "M", defaultValue = "ansible",
            description = "ansible (definition order, one at a time), justdoit (parallel), genius (parallel + module knowledge). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--test", description = "Dry run: report what would change, change nothing.")
    boolean test;

    @Option(names = "--json", description = "Print JSON: {states:[…], errors:[…]}.")
    boolean json;

    @Option(names = "--failhard", description = "Stop at the first failed state.")
    boolean failhard;

    @Option(names = "--parallelism", paramLabel = "N", description = "Bound for justdoit/genius (default: cores × 4).")
    Integer parallelism;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Pid files and caches (default: $CAIRN_HOME/state, $CAIRN_HOME defaults to ~/.cairn).")
    Path stateDir;

    @Option(names = "--modules", paramLabel = "DIR", description = "Extension modules (default: $CAIRN_HOME/modules).")
    Path modulesDir;

    @Option(names = "--trusted-keys", paramLabel = "DIR|FILE", description = "Trusted Ed25519 public keys (default: $CAIRN_HOME/trusted-keys).")
    Path trustedKeys;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The command itself, given its output streams (picocli's, or {@link StateApplyFastPath}'s). */
    int run(PrintWriter out, PrintWriter err) {
        try {
            if (local && target != null) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "--local and --target exclude each other",
                        "use --local for this machine, or --target for a cluster run");
            }
            if (!local) {
                if (target == null) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "state apply needs --local or --target",
                            "--local applies on this machine; --target GLOB|label=value runs on the cluster's nodes");
                }
                return StateRunCommands.apply(client.client(), source, target, mode, test, wait, json, out);
            }
            Path home = LocalApply.defaultHome();
            int par = parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors() * 4;
            if (par < 1) throw new CairnException(ErrorCode.INVALID_INPUT, "--parallelism must be at least 1", "e.g. --parallelism 8");
            boolean human = !json;
            LocalApply apply = new LocalApply(source, Mode.parse(mode), test, failhard,
                    stateDir != null ? stateDir : home.resolve("state"),
                    modulesDir != null ? modulesDir : home.resolve("modules"),
                    trustedKeys != null ? trustedKeys : home.resolve("trusted-keys"),
                    par, r -> { if (human) { out.println(line(r)); out.flush(); } });
            long t0 = System.nanoTime();
            LocalApply.Outcome o = apply.run();
            if (!o.errors().isEmpty()) {
                if (json) {
                    out.println(Json.string(document(List.of(), o.errors())));
                } else {
                    for (String e : o.errors()) err.println("error: " + e.replace("\n", "\n       "));
                    err.println("hint: nothing was run; fix the SLS and apply again");
                }
                out.flush();
                err.flush();
                return 2;
            }
            RunReport report = o.report();
            if (json) {
                out.println(Json.string(document(states(report), List.of())));
            } else {
                if (o.plan() != null) for (String x : o.plan().explanations()) out.println("  " + x);
                long would = report.results().stream().filter(r -> r.result() == null).count();
                out.printf("Summary: %d states, %d changed, %s%d failed, mode %s%s, %.2fs%n", report.results().size(),
                        report.results().stream().filter(r -> r.result() != null && !r.changes().isEmpty()).count(),
                        test ? would + " would change, " : "", report.failedCount(), o.plan().mode().key(),
                        report.failhardStopped() ? ", stopped by failhard" : "", (System.nanoTime() - t0) / 1e9);
            }
            out.flush();
            return report.allSucceeded() ? 0 : 1;
        } catch (CairnException e) {
            err.println("error: " + e.getMessage());
            if (e.hint() != null && !e.hint().isBlank()) err.println("hint: " + e.hint());
            err.flush();
            return e.code().exitCode();
        } catch (RuntimeException e) {
            err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.println("hint: this is a bug in cairn; please report it with the command you ran");
            err.flush();
            return 1;
        }
    }

    static Map<String, Object> document(List<Map<String, Object>> states, List<String> errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("states", states);
        m.put("errors", errors);
        return m;
    }

    static List<Map<String, Object>> states(RunReport report) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateResult r : report.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("function", r.module() + "." + r.function());
            m.put("name", r.name());
            m.put("result", r.result());
            m.put("changes", r.changes());
            m.put("comment", r.comment());
            m.put("run_num", r.runNum());
            m.put("duration_ms", r.durationMs());
            out.add(m);
        }
        return out;
    }

    static String line(StateResult r) {
        String marker = Boolean.FALSE.equals(r.result()) ? "FAILED " : r.result() == null ? "WOULD  "
                : !r.changes().isEmpty() ? "CHANGED" : "OK     ";
        String name = r.name().equals(r.id()) ? r.id() : r.id() + " (" + firstLine(r.name()) + ")";
        StringBuilder b = new StringBuilder(marker).append(' ').append(r.module()).append('.').append(r.function());
        while (b.length() < marker.length() + 1 + 16) b.append(' '); // "%s %-16s %s: %s" without a Formatter per line
        return b.append(' ').append(name).append(": ").append(firstLine(r.comment())).toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }
}
