package dev.cairn.states.modules;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a process, capturing stdout and stderr, with an optional timeout and runas. */
public final class Proc {
    private Proc() {}

    /** cwd null = inherit; timeoutSeconds 0 = none; runas null = current user. */
    public record Options(String cwd, Map<String, String> env, double timeoutSeconds, String runas, String stdin) {
        public static Options none() { return new Options(null, Map.of(), 0, null, null); }
    }

    public record Result(long pid, int retcode, String stdout, String stderr, boolean timedOut, String error) {}

    /**
     * {@code pb.start()}, retried for about a second while exec fails with ETXTBSY ("Text file busy").
     * That error is transient when the executable was just written: a process forked at the same
     * moment by another thread of this JVM briefly holds the writer's descriptor until it execs.
     */
    public static Process start(ProcessBuilder pb) throws IOException {
        long delayMs = 2;
        for (int attempt = 1; ; attempt++) {
            try {
                return pb.start();
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                if (attempt >= 10 || !(m.contains("Text file busy") || m.contains("error=26,") || m.contains("error: 26 "))) throw e;
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(delayMs * 2, 250);
            }
        }
    }

    public static List<String> shell(String command) { return List.of("/bin/sh", "-c", command); }

    public static Result run(List<String> argv, Options o) {
        List<String> cmd = new ArrayList<>(argv);
        if (o.runas() != null && !o.runas().isBlank() && !o.runas().equals(System.getProperty("user.name"))) {
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "runas '" + o.runas() + "' needs root",
                        "run cairn as root or drop runas");
            }
            Result gid = run(List.of("id", "-g", o.runas()), Options.none());
            if (gid.retcode() != 0) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "runas user '" + o.runas() + "' does not exist", "use an existing user name");
            }
            List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + o.runas(), "--regid=" + gid.stdout().trim(), "--init-groups", "--"));
            wrapped.addAll(cmd);
            cmd = wrapped;
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (o.cwd() != null) pb.directory(new File(o.cwd()));
        if (!o.env().isEmpty()) pb.environment().putAll(o.env()); // untouched, the child inherits without a copy
        Process p;
        try {
            p = start(pb);
        } catch (IOException e) {
            return new Result(-1, 127, "", String.valueOf(e.getMessage()), false, e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // without a timeout, stdout is read on this thread (waiting for the process waits for it anyway)
        boolean timeout = o.timeoutSeconds() > 0;
        Thread to = timeout ? Thread.ofVirtual().start(() -> copy(p.getInputStream(), out)) : null;
        Thread te = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        try (OutputStream in = p.getOutputStream()) {
            if (o.stdin() != null) in.write(o.stdin().getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the process may not read stdin
        }
        if (!timeout) copy(p.getInputStream(), out);
        boolean timedOut = false;
        try {
            if (timeout) {
                if (!p.waitFor((long) (o.timeoutSeconds() * 1000), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                }
            } else {
                p.waitFor();
            }
            if (to != null) to.join();
            te.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(p.pid(), -1, "", "interrupted", false, "interrupted");
        }
        return new Result(p.pid(), timedOut ? -1 : p.exitValue(), trim(out), trim(err), timedOut, null);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // process ended
        }
    }

    private static String trim(ByteArrayOutputStream b) {
        String s = b.toString(StandardCharsets.UTF_8);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) end--;
        return s.substring(0, end);
    }
}
