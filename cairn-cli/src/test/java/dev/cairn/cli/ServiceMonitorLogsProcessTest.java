package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real agent process ({@code cairn agent}) under a controller in this JVM: an HTTP monitor
 * against a loopback server that starts failing gets the service restarted, then failed; and
 * {@code cairn service logs --follow} (a process too) prints lines the service writes after the
 * command started.
 */
class ServiceMonitorLogsProcessTest {
    @TempDir
    Path tmp;

    private InMemoryCoordinationStore store;
    private Controller controller;
    private Process agent;
    private final List<Process> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        store = new InMemoryCoordinationStore();
        controller = new Controller(new ControllerConfig("c1", "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        controller.install(new DeploymentsSubsystem(controller.context()));
        controller.start();
        agent = cairn(tmp.resolve("node-1"), "agent", "--controller", controller.url(), "--name", "node-1");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : clients) p.destroyForcibly();
        List<ProcessHandle> started = agent.descendants().toList();
        agent.destroyForcibly();
        for (ProcessHandle h : started) h.destroyForcibly();
        agent.waitFor(10, TimeUnit.SECONDS);
        controller.close();
        store.close();
    }

    private Process cairn(Path dir, String... args) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        if (args[0].equals("agent")) pb.redirectOutput(dir.resolve("agent.log").toFile());
        Process p = pb.start();
        if (!args[0].equals("agent")) clients.add(p);
        return p;
    }

    private void apply(String yaml) {
        new ApiClient(controller.url()).post("/api/v1/deployments", Map.of("format", "yaml", "content", yaml));
    }

    private JsonNode service(String deployment) {
        return new ApiClient(controller.url(), Duration.ofSeconds(5)).get("/api/v1/deployments/" + deployment).path("services").get(0);
    }

    /** What the controller recorded, "type subject: message". */
    private List<String> events() {
        return LoggedEvents.lines(controller.events());
    }

    private void await(BooleanSupplier ok, Duration max, String what) {
        try {
            Await.await(what, max).pollInterval(Duration.ofMillis(100)).until(ok::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String log = "";
            try {
                log = Files.readString(tmp.resolve("node-1").resolve("agent.log"));
            } catch (IOException ignored) {
                // none
            }
            throw new AssertionError("timed out waiting for " + what + "\nevents: " + events() + "\nagent log tail:\n"
                    + log.substring(Math.max(0, log.length() - 3000)), e);
        }
    }

    @Test
    void anHttpMonitorThatStartsFailingRestartsTheServiceThenFailsIt() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        AtomicInteger checks = new AtomicInteger();
        HttpServer health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        health.createContext("/health", ex -> {
            checks.incrementAndGet();
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        health.start();
        try {
            String url = "http://127.0.0.1:" + health.getAddress().getPort() + "/health";
            apply("name: web\nservices:\n  api:\n    command: [\"/bin/sh\", \"-c\", \"exec sleep 100000\"]\n"
                    + "    monitor: {type: http, url: \"" + url + "\", interval: 1s, timeout: 1s}\n    migration-threshold: 2\n");
            await(() -> service("web").path("state").asText().equals("running"), Duration.ofSeconds(60), "the service to run");
            int before = checks.get();
            await(() -> checks.get() >= before + 2, Duration.ofSeconds(30), "the monitor to check the server twice");
            assertTrue(events().stream().noneMatch(e -> e.startsWith("service.failed")), "healthy so far: " + events());

            status.set(500); // the service's health endpoint starts failing
            await(() -> events().stream().anyMatch(e -> e.startsWith("service.failed web/api") && e.contains("answered 500")),
                    Duration.ofSeconds(30), "the monitor to fail the service");
            // the policy restarts it in place (fail count 1 < migration-threshold 2) ...
            await(() -> events().stream().filter(e -> e.startsWith("service.started web/api")).count() >= 2, Duration.ofSeconds(40),
                    "the service to be started again after its first failure");
            // ... and once it failed migration-threshold times with no other node to go to, it is failed
            await(() -> service("web").path("state").asText().equals("failed"), Duration.ofSeconds(60), "the service to be failed");
            long failures = events().stream().filter(e -> e.startsWith("service.failed web/api")).count();
            assertEquals(2, failures, "failed exactly migration-threshold times: " + events());
            // a start sent past the threshold would reach the agent within a DPE round (2 s) and be
            // reported at once: 3 s is longer than a round and its report
            Thread.sleep(3_000);
            assertNotEquals("running", service("web").path("state").asText(), "not restarted past the threshold");
            assertEquals(2, events().stream().filter(e -> e.startsWith("service.started web/api")).count(), events().toString());
        } finally {
            health.stop(0);
        }
    }

    @Test
    void logsFollowPrintsLinesWrittenAfterItStarted() throws Exception {
        Path trigger = tmp.resolve("go");
        String marker = "after-" + System.nanoTime();
        apply("name: chatty\nservices:\n  talk:\n    command: [\"/bin/sh\", \"-c\", \"echo before; while [ ! -f " + trigger
                + " ]; do sleep 0.1; done; echo " + marker + "; exec sleep 100000\"]\n");
        await(() -> service("chatty").path("state").asText().equals("running"), Duration.ofSeconds(60), "the service to run");

        Process follow = cairn(tmp.resolve("client"), "service", "logs", "chatty", "talk", "--follow", "--url", controller.url());
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (IOException ignored) {
                // process ended
            }
        });
        await(() -> lines.contains("before"), Duration.ofSeconds(30), "the follow to print what was there: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.equals(marker)), "not written yet");
        Files.writeString(trigger, "");
        await(() -> lines.contains(marker), Duration.ofSeconds(30), "the follow to print the line written after it started: " + lines);
        assertTrue(follow.isAlive(), "--follow keeps running");
        follow.destroy();
        reader.join(5_000);
    }
}
