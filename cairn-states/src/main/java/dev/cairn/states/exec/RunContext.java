package dev.cairn.states.exec;

import java.nio.file.Path;
import java.util.Map;

/**
 * What modules may use during a run: the state directory (pid files, caches), the ports for
 * services and package storage, and the environment for commands.
 */
public record RunContext(Path stateDir, ServiceSupervisor supervisor, SourceFetcher fetcher, Map<String, String> env) {
    public RunContext {
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
