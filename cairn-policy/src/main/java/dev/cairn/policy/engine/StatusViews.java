package dev.cairn.policy.engine;

import dev.cairn.policy.ClusterStatusView;
import java.util.ArrayList;
import java.util.List;

/** Renders an unpacked cluster the way crm_simulate lists it. */
final class StatusViews {
    private StatusViews() {}

    static ClusterStatusView of(ClusterModel m) {
        List<String> nodeLines = new ArrayList<>();
        StringBuilder online = new StringBuilder();
        StringBuilder offline = new StringBuilder();
        for (NodeInfo n : m.nodes) {
            if (n.unclean || n.pending || n.standby) {
                nodeLines.add("Node " + n.uname + ": " + nodeStatus(n));
            } else if (n.online) {
                online.append(online.isEmpty() ? "" : " ").append(n.uname);
            } else {
                offline.append(offline.isEmpty() ? "" : " ").append(n.uname);
            }
        }
        if (!online.isEmpty()) nodeLines.add("Online: [ " + online + " ]");
        if (!offline.isEmpty()) nodeLines.add("OFFLINE: [ " + offline + " ]");
        List<ClusterStatusView.ResourceLine> lines = new ArrayList<>();
        int disabled = 0;
        int blocked = 0;
        for (Rsc r : m.resources) {
            lines.add(new ClusterStatusView.ResourceLine(r.def.group(), line(r)));
            if (r.disabled()) disabled++;
            if (r.blocked) blocked++;
        }
        return new ClusterStatusView(nodeLines, lines, m.resources.size(), disabled, blocked);
    }

    private static String nodeStatus(NodeInfo n) {
        if (n.unclean) {
            if (n.online) return "UNCLEAN (online)";
            if (n.pending) return "UNCLEAN (pending)";
            return "UNCLEAN (offline)";
        }
        if (n.pending) return "pending";
        if (n.standby) {
            if (n.online) return n.running.isEmpty() ? "standby" : "standby (with active resources)";
            return "OFFLINE (standby)";
        }
        return n.online ? "online" : "OFFLINE";
    }

    static String line(Rsc r) {
        NodeInfo node = r.runningOn.size() > 1 ? null : r.currentNode();
        StringBuilder s = new StringBuilder();
        s.append(r.id).append("\t(").append(r.def.agent()).append("):\t");
        s.append(r.failed ? " FAILED" : " " + r.role.text());
        if (node != null) s.append(' ').append(node.uname);
        List<String> flags = new ArrayList<>();
        if (node != null && !node.online && node.unclean) flags.add("UNCLEAN");
        if (r.disabled()) flags.add("disabled");
        if (r.blocked) flags.add("blocked");
        else if (!r.managed) flags.add("unmanaged");
        if (r.failureIgnored) flags.add("failure ignored");
        if (!flags.isEmpty()) s.append(" (").append(String.join(", ", flags)).append(')');
        if (r.runningOn.size() > 1) {
            s.append(" [");
            for (NodeInfo n : r.runningOn) s.append(' ').append(n.uname);
            s.append(" ]");
        }
        return s.toString();
    }
}
