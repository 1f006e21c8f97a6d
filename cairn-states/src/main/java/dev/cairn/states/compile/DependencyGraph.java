package dev.cairn.states.compile;

import dev.cairn.states.compile.Plan.Edge;
import dev.cairn.states.compile.Plan.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The requisite graph (Salt's DependencyGraph): nodes are chunks plus prereq test nodes, edges go
 * from dependency to dependent and carry the requisite type. Ordering is Salt's lexicographical
 * topological sort keyed by (effective order, own order, state+name+fun, insertion index).
 */
final class DependencyGraph {
    private final List<Chunk> chunks;
    final List<Node> nodes = new ArrayList<>();
    final List<Edge> edges = new ArrayList<>();
    private final List<LinkedHashMap<Integer, LinkedHashSet<ReqType>>> succ = new ArrayList<>();
    private final List<LinkedHashMap<Integer, LinkedHashSet<ReqType>>> pred = new ArrayList<>();
    private final Map<Integer, Integer> checkNode = new LinkedHashMap<>();

    DependencyGraph(List<Chunk> chunks) {
        this.chunks = chunks;
        for (Chunk c : chunks) addNode(new Node(c.index(), false));
    }

    private int addNode(Node n) {
        nodes.add(n);
        succ.add(new LinkedHashMap<>());
        pred.add(new LinkedHashMap<>());
        return nodes.size() - 1;
    }

    /** Node index of a chunk (chunk nodes come first, in chunk order). */
    int nodeOf(int chunk) { return chunk; }

    int checkNodeOf(int chunk) { return checkNode.getOrDefault(chunk, -1); }

    boolean addEdge(int from, int to, ReqType type) {
        LinkedHashSet<ReqType> types = succ.get(from).computeIfAbsent(to, k -> new LinkedHashSet<>());
        if (!types.add(type)) return false;
        pred.get(to).computeIfAbsent(from, k -> new LinkedHashSet<>()).add(type);
        edges.add(new Edge(from, to, type));
        return true;
    }

    boolean hasEdge(int from, int to) { return succ.get(from).containsKey(to); }

    /** Salt's _add_prereq: test node of the target → prerequiring state → target. */
    void addPrereq(int prerequiring, int target) {
        int check = checkNode.computeIfAbsent(target, t -> addNode(new Node(t, true)));
        addEdge(check, nodeOf(prerequiring), ReqType.PREREQ);
        addEdge(nodeOf(prerequiring), nodeOf(target), ReqType.REQUIRE);
    }

    /** True when {@code to} can reach {@code from} (so an edge from → to would close a cycle). */
    boolean reaches(int start, int goal) {
        Deque<Integer> stack = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        stack.push(start);
        while (!stack.isEmpty()) {
            int n = stack.pop();
            if (n == goal) return true;
            if (!seen.add(n)) continue;
            for (Integer c : succ.get(n).keySet()) stack.push(c);
        }
        return false;
    }

    /** Salt's _get_chunk_order: a dependency is pulled forward to its earliest dependent. */
    private double effectiveOrder(int node) {
        double own = chunks.get(nodes.get(node).chunk()).order();
        double childMin = Double.POSITIVE_INFINITY;
        int reqOrder = Integer.MIN_VALUE;
        for (Map.Entry<Integer, LinkedHashSet<ReqType>> e : succ.get(node).entrySet()) {
            for (ReqType t : e.getValue()) {
                if (t == ReqType.KNOWLEDGE) continue;
                if (reqOrder <= t.weight()) {
                    reqOrder = t.weight();
                    childMin = Math.min(childMin, chunks.get(nodes.get(e.getKey()).chunk()).order());
                }
            }
        }
        return Math.min(own, childMin);
    }

    private record Key(double effective, double own, String label, int node) {}

    /** The topological order, or null when the graph has a cycle. */
    List<Integer> order() {
        int n = nodes.size();
        int[] indeg = new int[n];
        for (Edge e : edges) indeg[e.to()]++;
        PriorityQueue<Key> heap = new PriorityQueue<>(Comparator.comparingDouble(Key::effective)
                .thenComparingDouble(Key::own).thenComparing(Key::label).thenComparingInt(Key::node));
        for (int i = 0; i < n; i++) if (indeg[i] == 0) heap.add(key(i));
        List<Integer> out = new ArrayList<>(n);
        while (!heap.isEmpty()) {
            int node = heap.poll().node();
            out.add(node);
            for (Map.Entry<Integer, LinkedHashSet<ReqType>> e : succ.get(node).entrySet()) {
                indeg[e.getKey()] -= e.getValue().size();
                if (indeg[e.getKey()] == 0) heap.add(key(e.getKey()));
            }
        }
        return out.size() == n ? out : null;
    }

    private Key key(int node) {
        Chunk c = chunks.get(nodes.get(node).chunk());
        return new Key(effectiveOrder(node), c.order(), c.module() + c.name() + c.function(), node);
    }

    /** One cycle's edges, in the order networkx.find_cycle reports them (DFS from the first node). */
    List<Edge> findCycle() {
        int n = nodes.size();
        int[] state = new int[n]; // 0 new, 1 on path, 2 done
        for (int start = 0; start < n; start++) {
            if (state[start] != 0) continue;
            List<Edge> path = new ArrayList<>();
            Deque<java.util.Iterator<Edge>> its = new ArrayDeque<>();
            Deque<Integer> stackNodes = new ArrayDeque<>();
            state[start] = 1;
            stackNodes.push(start);
            its.push(outEdges(start).iterator());
            while (!its.isEmpty()) {
                java.util.Iterator<Edge> it = its.peek();
                if (!it.hasNext()) {
                    its.pop();
                    state[stackNodes.pop()] = 2;
                    if (!path.isEmpty()) path.remove(path.size() - 1);
                    continue;
                }
                Edge e = it.next();
                if (state[e.to()] == 1) {
                    path.add(e);
                    int from = 0;
                    for (int i = 0; i < path.size(); i++) if (path.get(i).from() == e.to()) { from = i; break; }
                    return new ArrayList<>(path.subList(from, path.size()));
                }
                if (state[e.to()] == 0) {
                    path.add(e);
                    state[e.to()] = 1;
                    stackNodes.push(e.to());
                    its.push(outEdges(e.to()).iterator());
                }
            }
        }
        return List.of();
    }

    private List<Edge> outEdges(int node) {
        List<Edge> out = new ArrayList<>();
        for (Map.Entry<Integer, LinkedHashSet<ReqType>> e : succ.get(node).entrySet()) {
            for (ReqType t : e.getValue()) out.add(new Edge(node, e.getKey(), t));
        }
        return out;
    }
}
