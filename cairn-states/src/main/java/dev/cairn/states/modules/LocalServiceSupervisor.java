package dev.cairn.states.modules;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.states.exec.ServiceSupervisor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code --local} services: each is a plain foreground command started as a detached child
 * (new session via setsid, output to a log file) whose pid is kept in
 * {@code <stateDir>/services/<name>.pid}. A pid file whose process is gone means "not running".
 */
public final class LocalServiceSupervisor implements ServiceSupervisor {
    private final Path dir;

    public LocalServiceSupervisor(Path stateDir) {
        this.dir = stateDir.resolve("services");
    }

    private Path pidFile(String name) { return dir.resolve(safe(name) + ".pid"); }

    private static String safe(String name) { return name.replaceAll("[^A-Za-z0-9_.-]", "_"); }

    private Optional<ProcessHandle> handle(String name) {
        try {
            Path f = pidFile(name);
            if (!Files.exists(f)) return Optional.empty();
            long pid = Long.parseLong(Files.readString(f).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean isRunning(String name) { return handle(name).isPresent(); }

    @Override
    public String start(ServiceSpec spec) {
        try {
            Files.createDirectories(dir);
            java.util.List<String> cmd = new java.util.ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.add("/usr/bin/setsid");
            cmd.addAll(spec.command());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (spec.cwd() != null) pb.directory(new File(spec.cwd()));
            pb.environment().putAll(spec.env());
            File log = dir.resolve(safe(spec.name()) + ".log").toFile();
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            pb.redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = Proc.start(pb);
            Files.writeString(pidFile(spec.name()), Long.toString(p.pid()));
            try {
                if (p.waitFor(Duration.ofMillis(200).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    throw new CairnException(ErrorCode.OPERATION_FAILED, "service " + spec.name() + " exited at once with code " + p.exitValue(),
                            "see " + log);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "pid " + p.pid();
        } catch (IOException e) {
            throw new CairnException(ErrorCode.OPERATION_FAILED, "cannot start service " + spec.name() + ": " + e.getMessage(), null);
        }
    }

    @Override
    public boolean stop(String name) {
        Optional<ProcessHandle> h = handle(name);
        if (h.isEmpty()) return false;
        ProcessHandle p = h.get();
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException ignored) {
            // stale pid files are treated as not running
        }
        return true;
    }
}
