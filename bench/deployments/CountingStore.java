import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.store.Versioned;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A store that counts its calls per kind and top-level path, and their total time (for the scale benchmark). */
final class CountingStore implements CoordinationStore {
    private final CoordinationStore d;
    private final Map<String, LongAdder[]> stats = new ConcurrentHashMap<>();

    CountingStore(CoordinationStore d) {
        this.d = d;
    }

    private <T> T count(String op, StorePath p, Supplier<T> s) {
        String key = op + " /" + (p.segments().isEmpty() ? "" : p.segments().get(0));
        long t = System.nanoTime();
        try {
            return s.get();
        } finally {
            LongAdder[] a = stats.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
            a[0].increment();
            a[1].add(System.nanoTime() - t);
        }
    }

    /** "op /path": calls, total ms; and resets. */
    Map<String, String> drain() {
        Map<String, String> out = new TreeMap<>();
        for (var e : stats.entrySet()) {
            long n = e.getValue()[0].sumThenReset();
            long ms = e.getValue()[1].sumThenReset() / 1_000_000;
            if (n > 0) out.put(e.getKey(), n + " calls, " + (ms / Math.max(1, n)) + " ms avg");
        }
        return out;
    }

    public Optional<Versioned<byte[]>> get(StorePath path) { return count("get", path, () -> d.get(path)); }
    public boolean exists(StorePath path) { return count("exists", path, () -> d.exists(path)); }
    public Optional<Long> createIfAbsent(StorePath path, byte[] data) { return count("create", path, () -> d.createIfAbsent(path, data)); }
    public Optional<Long> createEphemeral(StorePath path, byte[] data) { return count("createEph", path, () -> d.createEphemeral(path, data)); }
    public StorePath createSequential(StorePath prefix, String name, byte[] data) { return count("createSeq", prefix, () -> d.createSequential(prefix, name, data)); }
    public long put(StorePath path, byte[] data) { return count("put", path, () -> d.put(path, data)); }
    public Optional<Long> compareAndSet(StorePath path, byte[] data, long v) { return count("cas", path, () -> d.compareAndSet(path, data, v)); }
    public boolean delete(StorePath path, long v) { return count("delete", path, () -> d.delete(path, v)); }
    public List<String> children(StorePath path) { return count("children", path, () -> d.children(path)); }
    public TxResult transact(List<StoreOp> ops) { return count("tx", ops.isEmpty() ? StorePath.of("none") : ops.get(0).path(), () -> d.transact(ops)); }
    public AutoCloseable watch(StorePath path, Consumer<StoreEvent> l) {
        return d.watch(path, e -> count("watch-event", path, () -> {
            l.accept(e);
            return null;
        }));
    }
    public LeaderElection leaderElection(String g, String id) { return d.leaderElection(g, id); }
    public void addConnectionListener(Consumer<ConnectionState> l) { d.addConnectionListener(l); }
    public ConnectionState connectionState() { return d.connectionState(); }
    public void close() { d.close(); }
}
