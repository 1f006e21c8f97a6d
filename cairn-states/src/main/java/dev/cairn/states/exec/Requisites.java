package dev.cairn.states.exec;

import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.compile.Plan.Edge;
import dev.cairn.states.compile.ReqType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Salt's _check_requisites and call_chunk decision, as a pure function of the plan and the
 * results so far. One deliberate difference (case 15): a FAILED onchanges target counts as
 * "did not change" (not run, result True), as Salt's requisites documentation and truth-table
 * test say, instead of failing the dependent as salt/state.py does.
 */
final class Requisites {
    private final Plan plan;
    private final List<List<Edge>> inEdges = new ArrayList<>();

    Requisites(Plan plan) {
        this.plan = plan;
        for (int i = 0; i < plan.nodes().size(); i++) inEdges.add(new ArrayList<>());
        for (Edge e : plan.edges()) if (e.type() != ReqType.KNOWLEDGE) inEdges.get(e.to()).add(e);
    }

    List<Edge> deps(int node) { return inEdges.get(node); }

    Decision decide(int node, Map<String, StateResult> running, Map<String, StateResult> pre) {
        Chunk chunk = plan.chunkOf(node);
        boolean check = plan.nodes().get(node).prereqCheck();
        String tag = chunk.tag();
        if (running.containsKey(tag)) return new Decision.Skip();
        Map<ReqType, List<Chunk>> reqs = new LinkedHashMap<>();
        for (Edge e : inEdges.get(node)) reqs.computeIfAbsent(e.type(), k -> new ArrayList<>()).add(plan.chunkOf(e.from()));
        Set<String> fun = new HashSet<>();
        for (Map.Entry<ReqType, List<Chunk>> r : reqs.entrySet()) {
            ReqType type = r.getKey();
            String base = type.base();
            Map<String, StateResult> dict = base.equals("prereq") ? pre : running;
            Set<String> st = new HashSet<>();
            for (Chunk c : r.getValue()) {
                StateResult res = dict.get(c.tag());
                if (res == null) { st.add("unmet"); continue; }
                if (base.equals("onfail")) {
                    if (Boolean.TRUE.equals(res.result())) { st.add("onfail"); continue; }
                } else if (Boolean.FALSE.equals(res.result())) {
                    st.add(base.equals("onchanges") ? "onchanges" : "fail");
                    continue;
                }
                if (base.equals("onchanges")) {
                    st.add(res.changes().isEmpty() ? "onchanges" : "onchangesmet");
                    continue;
                }
                if (base.equals("watch") && !res.changes().isEmpty()) { st.add("change"); continue; }
                if (base.equals("prereq")) st.add(res.result() == null ? "premet" : "pre");
                else if (res.ran()) st.add("met");
            }
            if (type.isAny() || type == ReqType.ONFAIL) {
                if (st.contains("met") || st.contains("change")) st.remove("fail");
                if (st.contains("onchangesmet")) { st.remove("onchanges"); st.remove("fail"); }
                if (st.contains("onfail") && st.contains("met")) st.remove("onfail");
            }
            if (type.isAll() && st.contains("onfail")) st.remove("met");
            fun.addAll(st);
        }
        String status;
        if (fun.contains("unmet")) status = "unmet";
        else if (fun.contains("fail")) status = "fail";
        else if (fun.contains("pre")) status = fun.contains("premet") ? "met" : "pre";
        else if (fun.contains("onfail") && !fun.contains("onchangesmet")) status = "onfail";
        else if (fun.contains("onchanges") && !fun.contains("onchangesmet")) status = "onchanges";
        else if (fun.contains("change")) status = "change";
        else if (fun.contains("onfail")) status = "onfail";
        else status = "met";
        return switch (status) {
            case "unmet" -> new Decision.Unmet();
            case "fail" -> check || !pre.containsKey(tag) ? new Decision.NotRun(false, failComment(reqs, running, pre))
                    : new Decision.FromPre();
            case "pre" -> new Decision.NotRun(true, "No changes detected");
            case "onfail" -> new Decision.NotRun(true, "State was not run because onfail req did not change");
            case "onchanges" -> new Decision.NotRun(true, "State was not run because none of the onchanges reqs changed");
            case "change" -> new Decision.Call(check, !check);
            default -> new Decision.Call(check, false);
        };
    }

    private static String failComment(Map<ReqType, List<Chunk>> reqs, Map<String, StateResult> running,
                                      Map<String, StateResult> pre) {
        Set<String> failed = new TreeSet<>();
        for (List<Chunk> l : reqs.values()) {
            for (Chunk c : l) {
                StateResult r = pre.containsKey(c.tag()) ? pre.get(c.tag()) : running.get(c.tag());
                if (r != null && Boolean.FALSE.equals(r.result())) failed.add(c.slsId());
            }
        }
        return "One or more requisite failed: " + String.join(", ", failed);
    }
}
