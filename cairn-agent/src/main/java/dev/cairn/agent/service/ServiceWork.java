package dev.cairn.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.agent.work.AgentWork;
import dev.cairn.agent.work.WorkLoop;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The work kinds for services: {@code service.start}, {@code service.stop}, {@code service.logs}. */
public final class ServiceWork {
    static final int MAX_LOG_CHUNK = 64 * 1024;

    private ServiceWork() {}

    public static void register(WorkLoop loop, ServiceSupervisor sup) {
        loop.handle("service.start", w -> {
            ServiceSpec spec = Json.MAPPER.treeToValue(w.payload().path("spec"), ServiceSpec.class);
            return ok(sup.start(spec));
        });
        loop.handle("service.stop", w -> ok(sup.stop(w.payload().path("deployment").asText(), w.payload().path("service").asText())));
        loop.handleReadOnly("service.logs", w -> logs(sup, w));
    }

    private static JsonNode ok(ServiceReport r) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("ok", true);
        n.set("service", Json.MAPPER.valueToTree(r));
        return n;
    }

    /** A chunk of the service's log from {@code offset} (negative: the last that many bytes). */
    static JsonNode logs(ServiceSupervisor sup, AgentWork w) throws IOException {
        String d = w.payload().path("deployment").asText();
        String s = w.payload().path("service").asText();
        long offset = w.payload().path("offset").asLong(-8192);
        Path file = LogFiles.current(sup.serviceDir(d, s));
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("ok", true);
        if (!Files.exists(file)) {
            n.put("data", "").put("next", 0).put("size", 0);
            return n;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            long from = offset < 0 ? Math.max(0, size + offset) : (offset > size ? 0 : offset); // rotated: start over
            int len = (int) Math.min(MAX_LOG_CHUNK, size - from);
            byte[] b = new byte[len];
            f.seek(from);
            f.readFully(b);
            n.put("data", new String(b, StandardCharsets.UTF_8)).put("next", from + len).put("size", size);
            return n;
        }
    }
}
