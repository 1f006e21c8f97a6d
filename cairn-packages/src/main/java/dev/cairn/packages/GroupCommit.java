package dev.cairn.packages;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Commits transactions that arrive together as one store transaction: one round trip and one log
 * write for many queue changes (1,000 requests queued at once, or the processor finishing several
 * operations at a time). Whoever finds no commit in flight commits what is waiting, in arrival
 * order, and keeps doing so until nothing waits; the others wait for their result.
 *
 * <p>A combined transaction is the same as running its parts one after the other in that order
 * (a multi-op transaction applies its operations in order, each check seeing the parts before it).
 * When it fails — some part lost its version check, or two parts touched the same entry — each part
 * is run again on its own, so every part gets exactly the answer it would have had alone: committed
 * with its own events, or not at all.
 */
final class GroupCommit {
    /** At most this many operations in one combined transaction (ZooKeeper requests are capped at 1 MiB). */
    static final int MAX_OPS = 256;

    private record Pending(List<StoreOp> ops, CompletableFuture<TxResult> result) {}

    private final CoordinationStore store;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean committing;

    GroupCommit(CoordinationStore store) {
        this.store = store;
    }

    /** How many parts wait for a commit (for tests). */
    synchronized int waiting() {
        return waiting.size();
    }

    TxResult transact(List<StoreOp> ops) {
        Pending mine = new Pending(List.copyOf(ops), new CompletableFuture<>());
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
                    while (!waiting.isEmpty() && (batch.isEmpty() || n + waiting.peek().ops().size() <= MAX_OPS)) {
                        Pending p = waiting.poll();
                        n += p.ops().size();
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
            // the outcome is unknown (e.g. the connection dropped during the commit): every part hears
            // what it would have heard alone, rather than being run again
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

    private void run(Pending p) {
        try {
            p.result().complete(store.transact(p.ops()));
        } catch (RuntimeException | Error e) {
            p.result().completeExceptionally(e);
        }
    }
}
