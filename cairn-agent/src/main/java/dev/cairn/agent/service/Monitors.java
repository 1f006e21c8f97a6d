package dev.cairn.agent.service;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** One check of a service by its monitor: empty when healthy, otherwise why not. */
final class Monitors {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Monitors() {}

    static Optional<String> check(MonitorSpec m, long pid, Path workDir) {
        if (!ProcessGroups.alive(pid)) return Optional.of("process " + pid + " is gone");
        Duration timeout = Duration.ofMillis(m.timeoutMs());
        return switch (m.type()) {
            case "process" -> Optional.empty();
            case "command" -> command(m, workDir, timeout);
            case "http" -> http(m, timeout);
            case "tcp" -> tcp(m, timeout);
            default -> Optional.of("unknown monitor type '" + m.type() + "'");
        };
    }

    private static Optional<String> command(MonitorSpec m, Path workDir, Duration timeout) {
        try {
            Process p = ProcessGroups.start(new ProcessBuilder(m.command()).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return Optional.of("monitor command timed out after " + timeout.toMillis() + " ms");
            }
            return p.exitValue() == 0 ? Optional.empty() : Optional.of("monitor command exited " + p.exitValue());
        } catch (IOException e) {
            return Optional.of("monitor command could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<String> http(MonitorSpec m, Duration timeout) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(m.url())).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() < 400 ? Optional.empty() : Optional.of("GET " + m.url() + " answered " + r.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("GET " + m.url() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<String> tcp(MonitorSpec m, Duration timeout) {
        String host = m.host() == null || m.host().isBlank() ? "127.0.0.1" : m.host();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, m.port()), (int) timeout.toMillis());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot connect to " + host + ":" + m.port() + ": " + e.getMessage());
        }
    }
}
