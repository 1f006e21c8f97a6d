package dev.cairn.instances;

import java.util.List;
import java.util.Map;

/**
 * The service an instance runs once started, rendered: argv, working directory (inside the home or
 * the stage), environment, monitor and placement constraints. The controller turns it into a
 * deployment service.
 */
public record ServicePlan(List<String> command, String cwd, Map<String, String> env, Monitor monitor, List<Placement> placements) {
    public ServicePlan {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        placements = List.copyOf(placements);
    }

    /** {@code type} is process, tcp, http or command. */
    public record Monitor(String type, long intervalMs, long timeoutMs, String host, int port, String url, List<String> command) {
        public static final Monitor PROCESS = new Monitor("process", 1_000, 2_000, null, 0, null, List.of());

        public Monitor {
            command = command == null ? List.of() : List.copyOf(command);
        }
    }

    /** Run on {@code node}, or on nodes whose labels match; {@code score} as the policy engine reads it (INFINITY, -INFINITY, 100). */
    public record Placement(String node, Map<String, String> labels, String score) {
        public Placement {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        /** The state-run target of this placement: the node name, or label=value. */
        public String target() {
            if (node != null) return node;
            var e = labels.entrySet().iterator().next();
            return e.getKey() + "=" + e.getValue();
        }
    }
}
