package dev.cairn.states.modules;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.states.exec.SourceFetcher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Sources for file.managed: {@code http(s)://} (JDK HttpClient), {@code storage:KEY} through a
 * storage reader port (the agent wires package storage in; null = not available), and local
 * paths / {@code file://} URLs resolved against a base directory.
 */
public final class DefaultSourceFetcher implements SourceFetcher {
    private final Function<String, byte[]> storage;
    private final Path base;

    public DefaultSourceFetcher(Function<String, byte[]> storage, Path base) {
        this.storage = storage;
        this.base = base;
    }

    @Override
    public byte[] fetch(String source) {
        try {
            if (source.startsWith("http://") || source.startsWith("https://")) {
                var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();
                var resp = client.send(java.net.http.HttpRequest.newBuilder(URI.create(source)).timeout(Duration.ofSeconds(60)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                if (resp.statusCode() / 100 != 2) {
                    throw new CairnException(ErrorCode.UNREACHABLE, "GET " + source + " answered HTTP " + resp.statusCode(), "check the URL");
                }
                return resp.body();
            }
            if (source.startsWith("storage:")) {
                if (storage == null) {
                    throw new CairnException(ErrorCode.UNSUPPORTED, "no package storage on this node for " + source,
                            "storage: sources need a cluster agent; use a file path or an http(s) URL with --local");
                }
                return storage.apply(source.substring("storage:".length()).replaceFirst("^/+", ""));
            }
            Path p = source.startsWith("file://") ? Path.of(URI.create(source)) : Path.of(source);
            if (!p.isAbsolute() && base != null) p = base.resolve(p);
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot read source " + source + ": " + e.getMessage(), "check the source");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNREACHABLE, "interrupted reading " + source, null);
        }
    }
}
