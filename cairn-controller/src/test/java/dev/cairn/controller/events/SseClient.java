package dev.cairn.controller.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A minimal server-sent-events reader for tests: frames (id, event, data) and comment lines. */
final class SseClient implements AutoCloseable {
    record Frame(long id, String event, String data) {}

    final int status;
    final String contentType;
    private final InputStream body;
    private final BufferedReader reader;
    final List<String> comments = new ArrayList<>();

    private SseClient(HttpResponse<InputStream> r) {
        this.status = r.statusCode();
        this.contentType = r.headers().firstValue("Content-Type").orElse("");
        this.body = r.body();
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    static SseClient open(String url, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").timeout(Duration.ofMinutes(2));
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new SseClient(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** The next event frame (skipping comments, which are recorded); null at the end of the stream. */
    Frame next() throws IOException {
        Long id = null;
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) return new Frame(id == null ? -1 : id, event, data.toString());
                id = null;
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
            } else if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).trim());
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).trim());
            }
        }
        return null;
    }

    /** Reads lines until a comment containing {@code text} arrives. */
    void awaitComment(String text) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith(":") && line.contains(text)) {
                comments.add(line.substring(1).trim());
                return;
            }
        }
        throw new IOException("stream ended before a comment with '" + text + "'");
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
