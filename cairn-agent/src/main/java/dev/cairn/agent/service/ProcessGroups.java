package dev.cairn.agent.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Signals to whole process groups (the shell's {@code kill -- -PGID}) and a little of {@code /proc}. */
final class ProcessGroups {
    private ProcessGroups() {}

    /**
     * Starting a process is a native fork/exec that pins the virtual thread's carrier while it runs;
     * agents start processes on these platform threads instead, so a burst of starts does not hold
     * up the agent's other work (its heartbeats above all).
     */
    private static final java.util.concurrent.ExecutorService SPAWNER = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "process-spawner");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code pb.start()} on a platform thread (see {@link #SPAWNER}), retried while exec reports a
     * transient "Text file busy" (see {@link dev.cairn.states.modules.Proc#start}).
     */
    static Process start(ProcessBuilder pb) throws IOException {
        if (!Thread.currentThread().isVirtual()) return dev.cairn.states.modules.Proc.start(pb);
        try {
            return SPAWNER.submit(() -> dev.cairn.states.modules.Proc.start(pb)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + pb.command(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("cannot start " + pb.command() + ": " + e.getCause(), e.getCause());
        }
    }

    /** Sends a signal (TERM, KILL, ...) to every process of group {@code pgid}; false if there was none. */
    static boolean signal(long pgid, String signal) {
        if (pgid <= 1) return false;
        try {
            Process p = start(new ProcessBuilder(List.of("/bin/sh", "-c", "kill -" + signal + " -" + pgid + " 2>/dev/null"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether any process of the group is still alive (signal 0). */
    static boolean groupAlive(long pgid) {
        return signal(pgid, "0");
    }


    /** The process group of {@code pid}, from {@code /proc/<pid>/stat}. */
    static Optional<Long> pgid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String rest = stat.substring(stat.lastIndexOf(')') + 2);
            String[] f = rest.split(" ");
            return Optional.of(Long.parseLong(f[2]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** When the process started, if it is alive: used with the pid to recognise our own process after a restart. */
    static Optional<Instant> startTime(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(h -> h.info().startInstant());
    }

    /** Alive and not a zombie (an orphan's zombie may linger where init does not reap). */
    static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
