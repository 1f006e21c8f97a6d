package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.policy.NodeScore;
import dev.cairn.policy.Plan;
import dev.cairn.policy.PolicyScheduler;
import dev.cairn.policy.ResourceExplanation;
import dev.cairn.policy.Score;
import dev.cairn.policy.TransitionAction;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn policy explain}: why a resource goes where it goes. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain a resource's placement: the node it gets, its score on every node, and what",
                "decided or excluded each node."})
public final class PolicyExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PolicyCommand.Input input;

    @Parameters(index = "0", paramLabel = "RESOURCE", description = "resource (primitive or service) id")
    String resource;

    @Option(names = "--json", description = "print the explanation as JSON")
    boolean json;

    @Override
    public Integer call() {
        return PolicyCommand.guarded(spec, () -> {
            Plan plan = PolicyScheduler.explain(input.load(), Instant.now());
            ResourceExplanation e = plan.explanation(resource);
            if (e == null) {
                List<String> ids = plan.placements().stream().map(p -> p.resource()).toList();
                throw new CairnException(ErrorCode.INVALID_INPUT, "no resource named '" + resource + "'",
                        "resources in this file: " + String.join(", ", ids.size() > 20 ? ids.subList(0, 20) : ids)
                                + (ids.size() > 20 ? ", …" : ""));
            }
            List<TransitionAction> actions = new ArrayList<>();
            for (TransitionAction a : plan.transition()) if (a.resource().equals(resource)) actions.add(a);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("resource", e.resource());
                doc.put("currentNodes", e.currentNodes());
                doc.put("assignedNode", e.assignedNode());
                doc.put("decision", e.decision());
                doc.put("transition", actions.stream().map(a -> a.kind().label() + " " + a.resource()
                        + " (" + a.details() + ")" + a.suffix()).toList());
                doc.put("scores", e.scores());
                doc.put("notes", e.general());
                out.println(Json.pretty(doc));
            } else {
                out.print(text(e, actions));
            }
            out.flush();
            return 0;
        });
    }

    static String text(ResourceExplanation e, List<TransitionAction> actions) {
        StringBuilder s = new StringBuilder();
        s.append("Resource ").append(e.resource()).append('\n');
        s.append("  now:      ").append(e.currentNodes().isEmpty() ? "stopped" : "running on " + String.join(", ", e.currentNodes())).append('\n');
        s.append("  placed:   ").append(e.assignedNode() == null ? "nowhere (stays stopped)" : e.assignedNode()).append('\n');
        s.append("  decision: ").append(e.decision()).append('\n');
        if (actions.isEmpty()) {
            s.append("  action:   none\n");
        } else {
            for (TransitionAction a : actions) {
                s.append("  action:   ").append(a.kind().label()).append(' ').append(a.resource())
                        .append(" (").append(a.details()).append(')').append(a.suffix()).append('\n');
            }
        }
        for (String g : e.general()) s.append("  note:     ").append(g).append('\n');
        s.append("  scores:\n");
        for (NodeScore n : e.scores()) {
            s.append("    ").append(n.node()).append(": ").append(Score.format(n.score()))
                    .append(n.available() ? "" : "  (cannot run here)").append('\n');
            for (String r : n.reasons()) s.append("      - ").append(r).append('\n');
        }
        return s.toString();
    }
}
