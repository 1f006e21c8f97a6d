package dev.cairn.states.compile;

import dev.cairn.states.compile.ModuleInfo.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Genius mode's module knowledge: package repositories before packages, packages before files,
 * files before services. Each edge is added only when it does not contradict the declared
 * requisites (it would close a cycle), and every decision is explained.
 */
final class GeniusEdges {
    private static final List<Kind> CHAIN = List.of(Kind.PKGREPO, Kind.PKG, Kind.FILE, Kind.SERVICE);
    private static final Map<Kind, String> WHY = Map.of(
            Kind.PKG, "repositories before packages",
            Kind.FILE, "packages before the files that configure them",
            Kind.SERVICE, "files before the services that read them");

    private GeniusEdges() {}

    static List<String> add(List<Chunk> chunks, DependencyGraph graph, Map<String, ModuleInfo> modules) {
        List<String> out = new ArrayList<>();
        for (int k = 1; k < CHAIN.size(); k++) {
            Kind before = CHAIN.get(k - 1);
            Kind after = CHAIN.get(k);
            for (Chunk a : chunks) {
                if (kind(a, modules) != before) continue;
                for (Chunk b : chunks) {
                    if (kind(b, modules) != after) continue;
                    String what = a.fullName() + " '" + a.id() + "' before " + b.fullName() + " '" + b.id() + "'";
                    if (graph.hasEdge(graph.nodeOf(a.index()), graph.nodeOf(b.index()))) continue;
                    if (graph.reaches(graph.nodeOf(b.index()), graph.nodeOf(a.index()))) {
                        out.add("genius: not ordering " + what + ": the declared requisites order them the other way");
                        continue;
                    }
                    graph.addEdge(graph.nodeOf(a.index()), graph.nodeOf(b.index()), ReqType.KNOWLEDGE);
                    out.add("genius: " + what + " (" + WHY.get(after) + ")");
                }
            }
        }
        return out;
    }

    private static Kind kind(Chunk c, Map<String, ModuleInfo> modules) {
        ModuleInfo m = modules.get(c.module());
        return m == null ? Kind.OTHER : m.kind();
    }
}
