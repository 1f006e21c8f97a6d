package dev.cairn.policy.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates CIB XML inside Cairn's supported subset: primitives, node scores, standby/offline/
 * shutdown nodes, location (node and #uname rules), colocation and order constraints,
 * stickiness, priorities, target-role, operation history with failures and fail counts.
 * Used by the differential test against crm_simulate and by the benchmark. Deterministic per seed.
 */
public final class ClusterGenerator {
    /** Shape of the generated cluster. {@code constraintsPerResource} scales the constraint count. */
    public record Shape(int nodes, int resources, double constraintsPerResource, boolean small) {}

    /** Pacemaker's digests for a Dummy resource without parameters: non-recurring, and a 10 s monitor. */
    private static final String DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";
    private static final String MONITOR_DIGEST = "4811cef7f7f94e3a35a70be7916cb2fd";

    private final SplittableRandom rnd;
    private final Shape shape;
    private final StringBuilder x = new StringBuilder(1 << 16);
    private int callId = 10;

    private ClusterGenerator(long seed, Shape shape) {
        this.rnd = new SplittableRandom(seed);
        this.shape = shape;
    }

    public static String generate(long seed, Shape shape) {
        return new ClusterGenerator(seed, shape).build();
    }

    private boolean p(double prob) { return rnd.nextDouble() < prob; }

    private int pick(int n) { return rnd.nextInt(n); }

    private String score() {
        return switch (pick(8)) {
            case 0 -> "INFINITY";
            case 1 -> "-INFINITY";
            case 2 -> "100";
            case 3 -> "-100";
            case 4 -> "50";
            case 5 -> "200";
            case 6 -> "10";
            default -> "-20";
        };
    }

    private String build() {
        int n = shape.nodes();
        int r = shape.resources();
        boolean small = shape.small();
        boolean quorum = !small || p(0.8);
        String nqp = small ? new String[] {"ignore", "stop", "freeze"}[pick(3)] : "ignore";
        boolean symmetric = !small || p(0.85);
        x.append("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"1\" dc-uuid=\"n1\" have-quorum=\"")
                .append(quorum ? "1" : "0")
                .append("\" validate-with=\"pacemaker-3.0\" crm_feature_set=\"3.0.14\">\n  <configuration>\n    <crm_config>\n")
                .append("      <cluster_property_set id=\"opts\">\n")
                .append("        <nvpair id=\"o1\" name=\"stonith-enabled\" value=\"false\"/>\n")
                .append("        <nvpair id=\"o2\" name=\"no-quorum-policy\" value=\"").append(nqp).append("\"/>\n")
                .append("        <nvpair id=\"o3\" name=\"symmetric-cluster\" value=\"").append(symmetric).append("\"/>\n")
                .append("      </cluster_property_set>\n    </crm_config>\n    <nodes>\n");
        boolean[] online = new boolean[n + 1];
        boolean[] hasState = new boolean[n + 1];
        boolean[] standby = new boolean[n + 1];
        boolean[] shutdown = new boolean[n + 1];
        for (int i = 1; i <= n; i++) {
            online[i] = p(small ? 0.85 : 0.95);
            hasState[i] = online[i] || p(0.5);
            standby[i] = online[i] && p(small ? 0.1 : 0.03);
            shutdown[i] = online[i] && !standby[i] && p(small ? 0.05 : 0.01);
            x.append("      <node id=\"n").append(i).append("\" uname=\"node").append(i).append('"');
            if (p(small ? 0.15 : 0.05)) x.append(" score=\"").append(pick(3) * 10).append('"');
            x.append(" type=\"member\"");
            if (standby[i] && p(0.5)) {
                x.append(">\n        <instance_attributes id=\"na").append(i).append("\">\n")
                        .append("          <nvpair id=\"na").append(i).append("-s\" name=\"standby\" value=\"on\"/>\n")
                        .append("        </instance_attributes>\n      </node>\n");
                standby[i] = false; // already expressed
            } else if (p(0.2)) {
                x.append(">\n        <instance_attributes id=\"na").append(i).append("\">\n")
                        .append("          <nvpair id=\"na").append(i).append("-r\" name=\"rack\" value=\"r")
                        .append(i % 3).append("\"/>\n        </instance_attributes>\n      </node>\n");
            } else {
                x.append("/>\n");
            }
        }
        x.append("    </nodes>\n");
        int stickiness = small ? new int[] {0, 0, 100, 50, 1000}[pick(5)] : 100;
        x.append("    <rsc_defaults>\n      <meta_attributes id=\"rd\">\n")
                .append("        <nvpair id=\"rd-s\" name=\"resource-stickiness\" value=\"").append(stickiness).append("\"/>\n");
        if (p(0.5)) x.append("        <nvpair id=\"rd-m\" name=\"migration-threshold\" value=\"").append(1 + pick(3)).append("\"/>\n");
        x.append("      </meta_attributes>\n    </rsc_defaults>\n    <resources>\n");
        String[] onFails = {null, null, null, "restart", "stop", "ignore", "block"};
        String[] monOnFail = new String[r + 1];
        String[] stopOnFail = new String[r + 1];
        for (int i = 1; i <= r; i++) {
            x.append("      <primitive id=\"rsc").append(i).append("\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">\n");
            List<String> meta = new ArrayList<>();
            if (p(0.2)) meta.add("priority=" + pick(4));
            if (p(small ? 0.08 : 0.02)) meta.add("target-role=Stopped");
            if (p(small ? 0.03 : 0.005)) meta.add("is-managed=false");
            if (p(small ? 0.05 : 0.0)) meta.add("multiple-active=" + new String[] {"stop_only", "block", "stop_start"}[pick(3)]);
            if (p(0.1)) meta.add("resource-stickiness=" + new int[] {0, 10, 500}[pick(3)]);
            if (!meta.isEmpty()) {
                x.append("        <meta_attributes id=\"rsc").append(i).append("-meta\">\n");
                int k = 0;
                for (String m : meta) {
                    String[] kv = m.split("=");
                    x.append("          <nvpair id=\"rsc").append(i).append("-m").append(k++).append("\" name=\"")
                            .append(kv[0]).append("\" value=\"").append(kv[1]).append("\"/>\n");
                }
                x.append("        </meta_attributes>\n");
            }
            monOnFail[i] = small ? onFails[pick(onFails.length)] : null;
            stopOnFail[i] = small && p(0.2) ? onFails[pick(onFails.length)] : null;
            x.append("        <operations>\n          <op id=\"rsc").append(i).append("-mon\" name=\"monitor\" interval=\"10s\"");
            if (monOnFail[i] != null) x.append(" on-fail=\"").append(monOnFail[i]).append('"');
            x.append("/>\n");
            if (stopOnFail[i] != null) {
                x.append("          <op id=\"rsc").append(i).append("-stop\" name=\"stop\" interval=\"0\" on-fail=\"")
                        .append(stopOnFail[i]).append("\"/>\n");
            }
            x.append("        </operations>\n      </primitive>\n");
        }
        x.append("    </resources>\n    <constraints>\n");
        int constraints = (int) Math.round(r * shape.constraintsPerResource());
        for (int c = 0; c < constraints; c++) {
            int kind = pick(10);
            int a = 1 + pick(r);
            if (kind < 4) {
                if (p(0.75)) {
                    x.append("      <rsc_location id=\"loc").append(c).append("\" rsc=\"rsc").append(a)
                            .append("\" node=\"node").append(1 + pick(n)).append("\" score=\"").append(score()).append("\"/>\n");
                } else {
                    x.append("      <rsc_location id=\"loc").append(c).append("\" rsc=\"rsc").append(a).append("\">\n")
                            .append("        <rule id=\"loc").append(c).append("-r\" score=\"").append(score())
                            .append('"').append(p(0.3) ? " boolean-op=\"or\"" : "").append(">\n");
                    int exprs = 1 + pick(2);
                    for (int e = 0; e < exprs; e++) {
                        String attr = p(0.7) ? "#uname" : "rack";
                        String val = attr.equals("#uname") ? "node" + (1 + pick(n)) : "r" + pick(3);
                        x.append("          <expression id=\"loc").append(c).append("-e").append(e)
                                .append("\" attribute=\"").append(attr).append("\" operation=\"")
                                .append(p(0.8) ? "eq" : "ne").append("\" value=\"").append(val).append("\"/>\n");
                    }
                    x.append("        </rule>\n      </rsc_location>\n");
                }
            } else if (kind < 7) {
                int b = 1 + pick(r);
                if (b == a) continue;
                x.append("      <rsc_colocation id=\"col").append(c).append("\" rsc=\"rsc").append(a)
                        .append("\" with-rsc=\"rsc").append(b).append("\" score=\"").append(score()).append("\"/>\n");
            } else {
                int b = 1 + pick(r);
                if (b == a) continue;
                x.append("      <rsc_order id=\"ord").append(c).append("\" first=\"rsc").append(a)
                        .append("\" then=\"rsc").append(b).append('"');
                if (p(0.6)) x.append(" kind=\"").append(p(0.7) ? "Mandatory" : "Optional").append('"');
                if (p(0.3)) x.append(" symmetrical=\"").append(p(0.5)).append('"');
                if (p(0.2)) {
                    String fa = p(0.5) ? "start" : "stop";
                    x.append(" first-action=\"").append(fa).append("\" then-action=\"").append(p(0.5) ? "start" : "stop").append('"');
                }
                x.append("/>\n");
            }
        }
        x.append("    </constraints>\n  </configuration>\n  <status>\n");
        // history: each resource active on 0..2 online nodes, with occasional failures
        List<List<String>> perNode = new ArrayList<>();
        for (int i = 0; i <= n; i++) perNode.add(new ArrayList<>());
        List<StringBuilder> attrs = new ArrayList<>();
        for (int i = 0; i <= n; i++) attrs.add(new StringBuilder());
        for (int i = 1; i <= r; i++) {
            double active = small ? 0.6 : 0.7;
            if (!p(active)) {
                if (small && p(0.3)) {
                    int node = 1 + pick(n);
                    if (online[node]) perNode.get(node).add(history(i, "probe-stopped"));
                }
                continue;
            }
            int node = 1 + pick(n);
            if (!online[node]) continue;
            String kind = "ok";
            if (small || p(0.02)) {
                double f = rnd.nextDouble();
                if (f < 0.08) kind = "monitor-failed";
                else if (f < 0.12) kind = "start-failed";
                else if (f < 0.14 && small) kind = "stop-failed";
                else if (f < 0.17 && small) kind = "stopped";
            }
            perNode.get(node).add(history(i, kind));
            if (!kind.equals("ok") && !kind.equals("stopped") && p(0.7)) {
                String op = kind.startsWith("monitor") ? "monitor_10000" : kind.startsWith("start") ? "start_0" : "stop_0";
                attrs.get(node).append("          <nvpair id=\"fc-").append(i).append("-").append(node)
                        .append("\" name=\"fail-count-rsc").append(i).append('#').append(op).append("\" value=\"")
                        .append(1 + pick(3)).append("\"/>\n");
            }
            if (small && p(0.06)) {
                int other = 1 + pick(n);
                if (other != node && online[other]) perNode.get(other).add(history(i, "ok"));
            }
        }
        for (int i = 1; i <= n; i++) {
            if (!hasState[i]) continue;
            x.append("    <node_state id=\"n").append(i).append("\" uname=\"node").append(i).append('"');
            if (online[i]) {
                x.append(" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">\n");
            } else {
                x.append(" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"down\">\n");
            }
            if (standby[i] || shutdown[i] || attrs.get(i).length() > 0) {
                x.append("      <transient_attributes id=\"ta").append(i).append("\">\n        <instance_attributes id=\"tai")
                        .append(i).append("\">\n");
                if (standby[i]) x.append("          <nvpair id=\"st").append(i).append("\" name=\"standby\" value=\"on\"/>\n");
                if (shutdown[i]) x.append("          <nvpair id=\"sd").append(i).append("\" name=\"shutdown\" value=\"1234\"/>\n");
                x.append(attrs.get(i));
                x.append("        </instance_attributes>\n      </transient_attributes>\n");
            }
            if (online[i]) {
                x.append("      <lrm id=\"n").append(i).append("\">\n        <lrm_resources>\n");
                for (String h : perNode.get(i)) x.append(h);
                x.append("        </lrm_resources>\n      </lrm>\n");
            }
            x.append("    </node_state>\n");
        }
        x.append("  </status>\n</cib>\n");
        return x.toString();
    }

    private String op(int rsc, String op, int interval, int rc, int target) {
        int call = callId++;
        return "            <lrm_rsc_op id=\"rsc" + rsc + "_" + op + "_" + interval + "\" operation=\"" + op
                + "\" interval=\"" + interval + "\" call-id=\"" + call + "\" rc-code=\"" + rc
                + "\" op-status=\"0\" transition-key=\"" + call + ":1:" + target
                + ":00000000-0000-0000-0000-000000000000\" op-digest=\"" + (interval == 0 ? DIGEST : MONITOR_DIGEST) + "\" crm_feature_set=\"3.0.14\"/>\n";
    }

    private String history(int rsc, String kind) {
        StringBuilder h = new StringBuilder();
        h.append("          <lrm_resource id=\"rsc").append(rsc).append("\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">\n");
        switch (kind) {
            case "probe-stopped" -> h.append(op(rsc, "monitor", 0, 7, 7));
            case "start-failed" -> h.append(op(rsc, "start", 0, 1, 0));
            case "stop-failed" -> {
                h.append(op(rsc, "start", 0, 0, 0));
                h.append(op(rsc, "stop", 0, 1, 0));
            }
            case "stopped" -> {
                h.append(op(rsc, "start", 0, 0, 0));
                h.append(op(rsc, "stop", 0, 0, 0));
            }
            case "monitor-failed" -> {
                h.append(op(rsc, "start", 0, 0, 0));
                h.append(op(rsc, "monitor", 10000, 7, 0));
            }
            default -> {
                h.append(op(rsc, "start", 0, 0, 0));
                h.append(op(rsc, "monitor", 10000, 0, 0));
            }
        }
        h.append("          </lrm_resource>\n");
        return h.toString();
    }
}
