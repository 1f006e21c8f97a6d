package dev.cairn.core.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Commits transactions that arrive together as one store transaction: one round trip and one log
 * write for many changes (1,000 package requests queued at once, or the package processor finishing
 * several operations at a time). Whoever finds no commit in flight commits what is waiting, in
 * arrival order, and keeps doing so until nothing waits; the others wait for their result. A caller
 * alone pays nothing extra: its transaction is run at once.
 *
 * <p>A combined transaction is the same as running its parts one after the other in that order
 * (a multi-op transaction applies its operations in order, each check seeing the parts before it).
 * When it fails — some part lost its version check, or two parts touched the same entry — each part
 * is run again on its own, so every part gets exactly the answer it would have had alone: committed,
 * or not at all. When the combined commit throws (the outcome is unknown, e.g. the connection
 * dropped), every part hears that error, as it would have alone; nothing is run again.
 *
 * <p>{@link dev.cairn.core.events.EventLog#transact} commits through this, so every subsystem's
 * changes with their events are grouped the same way.
 */
public final class GroupCommit {
    /** At most this many operations in one combined transaction. */
    public static final int MAX_OPS = 256;
    /** At most this many bytes of entry data in one combined transaction (ZooKeeper caps a request at 1 MiB). */
    public static final int MAX_BYTES = 512 * 1024;

    private record Pending(List<StoreOp> ops, int bytes, CompletableFuture<TxResult> result) {}

    private final CoordinationStore store;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean committing;

    public GroupCommit(CoordinationStore store) {
        this.store = store;
    }

    /** How many transactions wait for a commit in flight. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Runs {@code ops} atomically, possibly in one store transaction with others arriving at the same time. */
    public TxResult transact(List<StoreOp> ops) {
        Pending mine = new Pending(List.copyOf(ops), bytes(ops), new CompletableFuture<>());
        boolean lead;
        synchronized (this) {
            waiting.add(mine);
            lead = !committing;
            if (lead) committing = true;
        }
        if (lead) {
            while (true) {
                List<Pending> batch = new ArrayList<>();
                synchronized (this) {
                    int n = 0;
                    int size = 0;
                    while (!waiting.isEmpty() && (batch.isEmpty()
                            || (n + waiting.peek().ops().size() <= MAX_OPS && size + waiting.peek().bytes() <= MAX_BYTES))) {
                        Pending p = waiting.poll();
                        n += p.ops().size();
                        size += p.bytes();
                        batch.add(p);
                    }
                    if (batch.isEmpty()) {
                        committing = false;
                        break;
                    }
                }
                commit(batch);
            }
        }
        try {
            return mine.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private void commit(List<Pending> batch) {
        if (batch.size() == 1) {
            run(batch.get(0));
            return;
        }
        List<StoreOp> all = new ArrayList<>();
        for (Pending p : batch) all.addAll(p.ops());
        TxResult r;
        try {
            r = store.transact(all);
        } catch (RuntimeException | Error e) {
            for (Pending p : batch) p.result().completeExceptionally(e);
            return;
        }
        if (r instanceof TxResult.Committed c) {
            int at = 0;
            for (Pending p : batch) {
                int n = p.ops().size();
                p.result().complete(new TxResult.Committed(List.copyOf(c.versions().subList(at, at + n)),
                        List.copyOf(c.paths().subList(at, at + n))));
                at += n;
            }
            return;
        }
        for (Pending p : batch) run(p);
    }

    /** One transaction alone; a single sequential create (an event on its own) is the store's plain create. */
    private void run(Pending p) {
        try {
            if (p.ops().size() == 1 && p.ops().get(0) instanceof StoreOp.CreateSequential one) {
                StorePath created = store.createSequential(one.path(), one.name(), one.data());
                p.result().complete(new TxResult.Committed(List.of(0L), List.of(created)));
            } else {
                p.result().complete(store.transact(p.ops()));
            }
        } catch (RuntimeException | Error e) {
            p.result().completeExceptionally(e);
        }
    }

    private static int bytes(List<StoreOp> ops) {
        int n = 0;
        for (StoreOp op : ops) {
            n += switch (op) {
                case StoreOp.Create c -> c.data().length;
                case StoreOp.CreateSequential c -> c.data().length;
                case StoreOp.SetData s -> s.data().length;
                case StoreOp.Delete d -> 0;
                case StoreOp.Check c -> 0;
            };
        }
        return n;
    }
}
