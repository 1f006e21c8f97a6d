package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardingTest {
    static final Pattern RFC5424 = Pattern.compile(
            "<(\\d+)>1 (\\S+) (\\S+) cairn (\\d+) (\\S+) \\[cairn@32473 seq=\"(\\d+)\" subject=\"((?:[^\"\\\\\\]]|\\\\.)*)\"] \uFEFF(.*)",
            Pattern.DOTALL);

    static List<Long> fileSeqs(Path f) {
        try {
            if (!Files.exists(f)) return List.of();
            List<Long> out = new ArrayList<>();
            for (String line : Files.readAllLines(f)) out.add(Json.tree(line.getBytes(StandardCharsets.UTF_8)).path("seq").asLong());
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theLeaderForwardsToAJsonLinesFileAndANewLeaderContinuesFromTheStoredCursor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs/events.jsonl");
        try (InMemoryCoordinationStore store = new InMemoryCoordinationStore();
             StoreEventLog log = new StoreEventLog(store, Clock.systemUTC(), Duration.ofMillis(20))) {
            log.append(EventDraft.of("node.up", "node-0", "before any forwarder: forwarded too"));
            EventForwarder first = new EventForwarder(log, store, List.of(new JsonLinesFileSink(file, JsonLinesFileSink.Fsync.BATCH)), Duration.ofMillis(50));
            first.start(1);
            Await.until("the cursor to be created", Duration.ofSeconds(30), () -> store.exists(EventForwarder.CURSORS.child("file")));
            for (int i = 1; i <= 5; i++) log.append(EventDraft.of("node.up", "node-" + i, "up").with("i", i));
            Await.until("6 lines", Duration.ofSeconds(30), () -> fileSeqs(file).size() == 6);
            first.close(); // leadership moves

            for (int i = 6; i <= 8; i++) log.append(EventDraft.of("node.down", "node-" + i, "down"));
            EventForwarder second = new EventForwarder(log, store, List.of(new JsonLinesFileSink(file, JsonLinesFileSink.Fsync.NONE)), Duration.ofMillis(50));
            second.start(2);
            try {
                Await.until("9 lines", Duration.ofSeconds(30), () -> fileSeqs(file).size() >= 9);
            } finally {
                second.close();
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), fileSeqs(file));
            assertEquals(9, log.stats().forwarded("file"), "each forwarded event counted once for /metrics");
            JsonNode line = Json.tree(Files.readAllLines(file).get(1).getBytes(StandardCharsets.UTF_8));
            assertEquals("node.up", line.path("type").asText());
            assertEquals("node-1", line.path("subject").asText());
            assertEquals(1, line.path("data").path("i").asInt());
        }
    }

    @Test
    void syslogGetsOneRfc5424DatagramPerEvent() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             InMemoryCoordinationStore store = new InMemoryCoordinationStore();
             StoreEventLog log = new StoreEventLog(store, Clock.systemUTC(), Duration.ofMillis(20))) {
            receiver.setSoTimeout(30_000);
            InetSocketAddress target = EventOptions.hostPort("127.0.0.1:" + receiver.getLocalPort());
            EventForwarder fwd = new EventForwarder(log, store, List.of(new SyslogSink(target)), Duration.ofMillis(50));
            fwd.start(1);
            try {
                Await.until("the cursor", Duration.ofSeconds(30), () -> store.exists(EventForwarder.CURSORS.child("syslog")));
                log.append(EventDraft.of("action.failed", "web \"1\" [x]", "start failed").with("rc", 3));
                log.append(EventDraft.of("state.result", "run-7", "ok"));
                List<String> got = new ArrayList<>();
                byte[] buf = new byte[SyslogSink.MAX_DATAGRAM + 100];
                for (int i = 0; i < 2; i++) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    receiver.receive(p);
                    got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                }
                Matcher m = RFC5424.matcher(got.get(0));
                assertTrue(m.matches(), got.get(0));
                assertEquals(16 * 8 + 3, Integer.parseInt(m.group(1)), "local0.err for *.failed");
                assertTrue(Instant.parse(m.group(2)).isAfter(Instant.now().minusSeconds(600)));
                assertEquals(Long.toString(ProcessHandle.current().pid()), m.group(4));
                assertEquals("action.failed", m.group(5));
                assertEquals("1", m.group(6));
                assertEquals("web \\\"1\\\" [x\\]", m.group(7));
                JsonNode body = Json.tree(m.group(8).getBytes(StandardCharsets.UTF_8));
                assertEquals(3, body.path("data").path("rc").asInt());
                Matcher m2 = RFC5424.matcher(got.get(1));
                assertTrue(m2.matches(), got.get(1));
                assertEquals(16 * 8 + 6, Integer.parseInt(m2.group(1)), "local0.info otherwise");
                assertEquals("2", m2.group(6));
            } finally {
                fwd.close();
            }
        }
    }

    @Test
    void oversizedSyslogMessagesDropData() {
        Event big = new Event(9, Instant.parse("2026-11-22T01:02:03.123456789Z"), "a.b", "s", "m",
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(("{\"x\":\"" + "y".repeat(9000) + "\"}").getBytes()));
        String s = new String(SyslogSink.format(big, "host", "1"), StandardCharsets.UTF_8);
        assertTrue(s.length() < SyslogSink.MAX_DATAGRAM, "fits");
        assertTrue(s.startsWith("<134>1 2026-11-22T01:02:03.123456Z host cairn 1 a.b "), s.substring(0, 80));
        assertTrue(s.contains("\"dataTruncated\":true"));
    }

    @Test
    void optionsFromFlags(@TempDir Path dir) {
        EventOptions d = EventOptions.fromFlags(null, null, null, null);
        assertEquals(RetentionPolicy.DEFAULT, d.retention());
        assertTrue(d.file().isEmpty() && d.syslog().isEmpty());
        EventOptions o = EventOptions.fromFlags(dir.resolve("e.jsonl").toString(), "", 500, "12h");
        assertEquals(new RetentionPolicy(500, Duration.ofHours(12)), o.retention());
        assertEquals(dir.resolve("e.jsonl"), o.file().orElseThrow());
        assertEquals("127.0.0.1:514", o.syslog().orElseThrow().getHostString() + ":" + o.syslog().orElseThrow().getPort());
        assertEquals(514, EventOptions.hostPort("logs.example.com").getPort());
        assertEquals("::1", EventOptions.hostPort("[::1]:1514").getHostString());
        assertEquals(1514, EventOptions.hostPort("[::1]:1514").getPort());
        assertEquals(Duration.ofDays(7), EventOptions.duration("x", "7d"));
        assertEquals(Duration.ofDays(2), EventOptions.duration("x", "P2D"));
        for (String bad : List.of("host:0", "host:x", ":514", "host:99999")) {
            assertThrows(CairnException.class, () -> EventOptions.hostPort(bad), bad);
        }
        for (String bad : List.of("", "0s", "-1h", "7 days", "P")) {
            assertThrows(CairnException.class, () -> EventOptions.duration("--events-retain-age", bad), bad);
        }
        assertThrows(CairnException.class, () -> EventOptions.fromFlags(null, null, 0, null));
        assertThrows(CairnException.class, () -> EventOptions.fromFlags(" ", null, null, null));
    }
}
