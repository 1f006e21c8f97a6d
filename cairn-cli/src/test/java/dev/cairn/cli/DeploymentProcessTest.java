package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real agent processes ({@code cairn agent}) under a controller in this JVM, one scenario to pay for
 * agent start-up once: SIGSTOP shorter than the heartbeat timeout moves nothing; longer moves the
 * service, and after SIGCONT the old copy is stopped and only one remains; then kill -9 of the
 * node running it (the agent and everything it started) moves it again.
 */
class DeploymentProcessTest {
    @TempDir
    Path tmp;

    private InMemoryCoordinationStore store;
    private Controller controller;
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private String marker;

    @BeforeEach
    void start() throws IOException {
        store = new InMemoryCoordinationStore();
        controller = new Controller(new ControllerConfig("c1", "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        controller.install(new DeploymentsSubsystem(controller.context()));
        controller.start();
        for (int i = 1; i <= 3; i++) agents.put("node-" + i, agent("node-" + i));
        marker = Integer.toString(7_000_000 + new Random().nextInt(1_000_000));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : agents.values()) {
            signal(p.pid(), "CONT");
            killNode(p);
        }
        for (long pid : copies()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        controller.close();
        store.close();
    }

    Process agent(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "agent", "--controller", controller.url(), "--name", name));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
    }

    /** A dying node: SIGKILL to the agent and to every process group it started. */
    static void killNode(Process agent) throws InterruptedException {
        List<ProcessHandle> started = agent.descendants().toList();
        agent.destroyForcibly();
        for (ProcessHandle h : started) {
            signal(-h.pid(), "KILL");
            h.destroyForcibly();
        }
        agent.waitFor(10, TimeUnit.SECONDS);
    }

    static void signal(long pid, String sig) {
        try {
            new ProcessBuilder("/bin/sh", "-c", "kill -" + sig + " -- " + pid + " 2>/dev/null || kill -" + sig + " " + pid + " 2>/dev/null")
                    .start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Live (non-zombie) processes running this test's service command. */
    List<Long> copies() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    String stat = Files.readString(p.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (cmd.startsWith("sleep " + marker) && state != 'Z') out.add(Long.parseLong(n));
                } catch (IOException ignored) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    void apply() {
        String yaml = "name: solo\nservices:\n  one:\n    command: [\"/bin/sh\", \"-c\", \"exec sleep " + marker + "\"]\n";
        new ApiClient(controller.url()).post("/api/v1/deployments", Map.of("format", "yaml", "content", yaml));
    }

    JsonNode one() {
        return new ApiClient(controller.url(), Duration.ofSeconds(5)).get("/api/v1/deployments/solo").path("services").get(0);
    }

    /** What the controller recorded, "type subject: message". */
    List<String> events() {
        return LoggedEvents.lines(controller.events());
    }

    JsonNode await(Predicate<JsonNode> ok, Duration max, String what) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            JsonNode s = Await.await(what, max).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    last.set(one());
                } catch (CairnException e) {
                    return null; // not yet
                }
                return last.get();
            }, v -> v != null && ok.test(v));
            log(what);
            return s;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (String n : agents.keySet()) {
                try {
                    String l = Files.readString(tmp.resolve(n).resolve("agent.log"));
                    logs.append("\n--- ").append(n).append(":\n").append(l, Math.max(0, l.length() - 2000), l.length());
                } catch (IOException ignored) {
                    // no log
                }
            }
            throw new AssertionError("timed out waiting for " + what + "; last: " + last.get() + "\nevents: " + events() + logs, e);
        }
    }

    private final long t0 = System.nanoTime();

    void log(String what) {
        System.out.printf("[%6d ms] %s%n", (System.nanoTime() - t0) / 1_000_000, what);
    }

    static boolean runningOn(JsonNode s, String node) {
        return s.path("state").asText().equals("running") && s.path("node").asText().equals(node);
    }

    static boolean runningElsewhere(JsonNode s, String node) {
        return s.path("state").asText().equals("running") && !s.path("node").asText().equals(node);
    }

    @Test
    void stallsAndKillNine() throws Exception {
        apply();
        JsonNode s = await(x -> x.path("state").asText().equals("running"), Duration.ofSeconds(40), "the service to run");
        String first = s.path("node").asText();
        List<Long> before = copies();
        assertEquals(1, before.size());
        Process victim = agents.get(first);

        // shorter than the 2 s timeout: nothing moves
        signal(victim.pid(), "STOP");
        Thread.sleep(800);
        signal(victim.pid(), "CONT");
        // a node judged down would be so at most 2 s after the STOP (its last heartbeat came before
        // it), and its service moved within a DPE round after that: the 3 s watched from the CONT
        // (0.8 s after the STOP) cover both
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            assertTrue(runningOn(one(), first), "still running on " + first + ": " + one());
            assertEquals(before, copies(), "the same single copy");
            Thread.sleep(200);
        }
        assertTrue(events().stream().noneMatch(e -> e.startsWith("node.down")), events().toString());

        // longer than the timeout: the service moves while the node is frozen ...
        signal(victim.pid(), "STOP");
        JsonNode moved = await(x -> runningElsewhere(x, first), Duration.ofSeconds(20), "the service to move off the stalled node");
        assertNotEquals(first, moved.path("node").asText());
        // ... and once the node thaws, its stale copy is stopped: one copy, the new one
        signal(victim.pid(), "CONT");
        try {
            Await.until("the old copy to be stopped", Duration.ofSeconds(20), () -> !copies().contains(before.get(0)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the old copy was not stopped; events: " + events(), e);
        }
        // once both copies were seen, the DPE stopped the stale one; 3 s (a round every 2 s) would show a second start
        until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(1, copies().size(), "never two copies after the node is back");
            assertTrue(runningElsewhere(one(), first), one().toString());
            Thread.sleep(200);
        }

        // kill -9 of the node now running it (the agent and everything it started): it runs elsewhere
        String second = one().path("node").asText();
        killNode(agents.get(second));
        log("killed " + second);
        JsonNode again = await(x -> runningElsewhere(x, second), Duration.ofSeconds(20), "the service to run on a third node");
        assertNotEquals(second, again.path("node").asText());
        assertEquals(1, copies().size(), "exactly one copy runs");
    }
}
