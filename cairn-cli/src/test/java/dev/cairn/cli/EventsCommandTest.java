package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.events.EventOptions;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EventsCommandTest {
    InMemoryCoordinationStore store;
    List<AutoCloseable> running = new ArrayList<>();
    Controller c;
    EventLog log;

    record Run(int code, String out, String err) {}

    /** A thread-safe writer the test can read while the command still runs. */
    static final class Buffer extends StringWriter {
        @Override
        public synchronized void write(String str, int off, int len) { super.write(str, off, len); }

        @Override
        public synchronized String toString() { return super.toString(); }
    }

    Controller controller(int port) {
        EventOptions d = EventOptions.defaults();
        Controller ctl = new Controller(ControllerConfig.defaults("t", port).withEvents(new EventOptions(d.retention(), d.trimInterval(), d.file(),
                d.fsync(), d.syslog(), Duration.ofMillis(200))), store, Clock.systemUTC());
        ctl.start();
        running.add(0, ctl);
        log = ctl.events();
        return ctl;
    }

    @BeforeEach
    void start() {
        store = new InMemoryCoordinationStore();
        c = controller(0);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable a : running) a.close();
        store.close();
    }

    Run run(Buffer out, String... args) {
        Buffer err = new Buffer();
        CommandLine cl = new CommandLine(new EventsCommand());
        Main.configure(cl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Run run(String... args) {
        return run(new Buffer(), args);
    }

    void seed() {
        log.append(EventDraft.of("node.up", "node-1", "registered"));
        log.append(EventDraft.of("package.install.queued", "spark@1", "queued install"));
        log.append(EventDraft.of("package.install.failed", "spark@1", "fetch failed").with("attempt", 2));
    }

    @Test
    void listsAsATableAndAsJson() {
        seed();
        Run table = run("--url", c.url());
        assertEquals(0, table.code, table.err);
        String[] lines = table.out.split("\n");
        assertTrue(lines[0].startsWith("SEQ") && lines[0].contains("TYPE") && lines[0].contains("MESSAGE"), table.out);
        assertEquals(4, lines.length);
        assertTrue(lines[3].startsWith("3 ") && lines[3].contains("package.install.failed") && lines[3].contains("fetch failed"), lines[3]);

        Run json = run("--url", c.url(), "--json", "--type", "package.*", "--since", "2");
        assertEquals(0, json.code, json.err);
        JsonNode doc = Json.tree(json.out.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("events"), iterable(doc.fieldNames()));
        assertEquals(1, doc.path("events").size());
        JsonNode e = doc.path("events").get(0);
        assertEquals(3, e.path("seq").asLong());
        assertEquals(2, e.path("data").path("attempt").asInt());
        assertEquals(List.of("seq", "time", "type", "subject", "message", "data"), iterable(e.fieldNames()));

        Run bySubject = run("--url", c.url(), "--json", "--subject", "node-1");
        assertEquals(1, Json.tree(bySubject.out.getBytes(StandardCharsets.UTF_8)).path("events").size());
        Run newest = run("--url", c.url(), "--json", "--limit", "1");
        assertEquals(3, Json.tree(newest.out.getBytes(StandardCharsets.UTF_8)).path("events").get(0).path("seq").asLong());
        assertEquals("no events", run("--url", c.url(), "--type", "deployment").out.trim());
    }

    static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void badInputIsOneErrorLineWithAHintAndExitCode2() {
        for (String[] args : List.of(new String[] {"--limit", "0"}, new String[] {"--type", "Package"}, new String[] {"--since", "-3"},
                new String[] {"--count", "2"}, new String[] {"--limit", "x"})) {
            List<String> a = new ArrayList<>(List.of("--url", c.url()));
            a.addAll(List.of(args));
            Run r = run(a.toArray(String[]::new));
            assertEquals(2, r.code, String.join(" ", args) + ": " + r.err);
            assertTrue(r.err.startsWith("error: "), r.err);
            assertTrue(r.err.contains("\nhint: "), r.err);
        }
        Run unreachable = run("--url", "http://127.0.0.1:1");
        assertEquals(1, unreachable.code);
        assertTrue(unreachable.err.startsWith("error: cannot reach the controller"), unreachable.err);
    }

    @Test
    void followPrintsOneJsonObjectPerLineAndSurvivesAControllerRestart() throws Exception {
        seed();
        int port = c.port();
        Buffer out = new Buffer();
        CompletableFuture<Run> follow = CompletableFuture.supplyAsync(
                () -> run(out, "--url", c.url(), "--follow", "--json", "--since", "1", "--count", "5"));
        Await.until("the backlog (seq 2 and 3)", Duration.ofSeconds(30), () -> out.toString().lines().count() == 2);
        log.append(EventDraft.of("node.down", "node-1", "missed heartbeats"));
        Await.until("the live event", Duration.ofSeconds(30), () -> out.toString().lines().count() == 3);

        // the controller goes away: the stream drops; a new one comes up on the same port and store
        running.remove(c);
        c.close();
        log.append(EventDraft.of("node.up", "node-1", "appended while no controller served"));
        c = controller(port);
        log.append(EventDraft.of("node.up", "node-2", "appended after the restart"));

        Run r = follow.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.code, r.err);
        List<Long> seqs = r.out.lines().map(l -> Json.tree(l.getBytes(StandardCharsets.UTF_8)).path("seq").asLong()).toList();
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), seqs, "no gap, no repeat across the reconnect");
        assertTrue(r.err.contains("reconnect"), r.err);
    }

    @Test
    void followWithoutSinceShowsTheNewestThenLiveOnes() throws Exception {
        seed();
        Buffer out = new Buffer();
        CompletableFuture<Run> follow = CompletableFuture.supplyAsync(
                () -> run(out, "--url", c.url(), "--follow", "--limit", "1", "--count", "2", "--type", "package"));
        Await.until("the newest matching event", Duration.ofSeconds(30), () -> out.toString().lines().count() == 1);
        log.append(EventDraft.of("node.down", "node-1", "not shown"));
        log.append(EventDraft.of("package.install.done", "spark@1", "installed"));
        Run r = follow.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.code, r.err);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.get(0).startsWith("3  ") && lines.get(0).contains("package.install.failed"), lines.get(0));
        assertTrue(lines.get(1).startsWith("5  ") && lines.get(1).contains("package.install.done  spark@1  installed"), lines.get(1));
    }
}
