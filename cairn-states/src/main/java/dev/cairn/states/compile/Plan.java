package dev.cairn.states.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled run: the chunks, the dependency graph (nodes are chunks and Salt's prereq test
 * nodes), the order to walk it in definition/requisite order, and the explanations of any
 * knowledge edges genius mode added. Pure data: it can be stored, split and sent to agents.
 */
public record Plan(Mode mode, List<Chunk> chunks, List<Node> nodes, List<Edge> edges, List<Integer> order,
                   List<Edge> listens, List<String> explanations) {

    /** A graph node: a chunk, or the test-mode pre-run of a chunk that some state prereqs. */
    public record Node(int chunk, boolean prereqCheck) {}

    /** A dependency edge: {@code from} must be evaluated before {@code to}. */
    public record Edge(int from, int to, ReqType type) {}

    /** In-edges of a node, in insertion order (Salt's get_dependencies order). */
    public List<Edge> inEdges(int node) {
        List<Edge> out = new ArrayList<>();
        for (Edge e : edges) if (e.to() == node) out.add(e);
        return out;
    }

    /** The node index of a chunk's prereq test node, or -1. */
    public int checkNodeOf(int chunk) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.chunk() == chunk && n.prereqCheck()) return i;
        }
        return -1;
    }

    public Chunk chunkOf(int node) { return chunks.get(nodes.get(node).chunk()); }
}
