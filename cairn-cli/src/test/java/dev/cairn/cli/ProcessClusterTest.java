package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: {@code cairn controller} twice on one ZooKeeper with the leader killed by
 * SIGKILL, a separate {@code cairn agent} joining, and {@code cairn up} restarted on its data dir.
 */
class ProcessClusterTest {
    static int freePort() throws IOException { return CairnProcesses.freePort(); }

    static void await(BooleanSupplier c, Duration max, String what) throws InterruptedException { CairnProcesses.await(c, max, what); }

    static boolean healthy(String url) { return CairnProcesses.healthy(url); }

    static JsonNode status(String url) { return CairnProcesses.status(url); }

    static CompletableFuture<Matcher> lineMatching(Process p, Pattern pattern) { return CairnProcesses.lineMatching(p, pattern); }

    @TempDir
    Path tmp;

    private final CairnProcesses procs = new CairnProcesses();

    @AfterEach
    void killAll() throws InterruptedException {
        procs.close();
    }

    Process cairn(String... args) throws IOException {
        return procs.start(args);
    }

    @Test
    void twoControllersOneLeaderKillNineAndTakeoverThenAnAgentJoins() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            int p1 = freePort();
            int p2 = freePort();
            Process c1 = cairn("controller", "--zk", zk.getConnectString(), "--port", Integer.toString(p1), "--id", "c1", "--zk-session-timeout", "3s");
            Process c2 = cairn("controller", "--zk", zk.getConnectString(), "--port", Integer.toString(p2), "--id", "c2", "--zk-session-timeout", "3s");
            String u1 = "http://127.0.0.1:" + p1;
            String u2 = "http://127.0.0.1:" + p2;
            await(() -> healthy(u1) && healthy(u2), Duration.ofSeconds(60), "both controllers to answer /healthz");
            await(() -> {
                JsonNode s = status(u1);
                return s != null && !s.path("leader").isNull() && !s.path("leader").asText().isEmpty();
            }, Duration.ofSeconds(30), "a leader");
            String leader = status(u1).path("leader").asText();
            assertEquals(leader, status(u2).path("leader").asText(), "both agree on the leader");
            assertTrue(status(u1).path("isLeader").asBoolean() ^ status(u2).path("isLeader").asBoolean(), "exactly one leader");

            Process victim = leader.equals("c1") ? c1 : c2;
            String survivor = leader.equals("c1") ? u2 : u1;
            String survivorId = leader.equals("c1") ? "c2" : "c1";
            victim.destroyForcibly(); // SIGKILL: no clean shutdown, the session must expire
            assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
            await(() -> {
                JsonNode s = status(survivor);
                return s != null && s.path("isLeader").asBoolean();
            }, Duration.ofSeconds(30), "the survivor to take over");
            assertEquals(survivorId, status(survivor).path("leader").asText());
            assertTrue(status(survivor).path("epoch").asLong() >= 2, "a new epoch");

            cairn("agent", "--controller", survivor, "--name", "worker-7", "--labels", "zone=b");
            await(() -> {
                try {
                    for (JsonNode n : new ApiClient(survivor).get("/api/v1/nodes").path("nodes")) {
                        if (n.path("name").asText().equals("worker-7") && n.path("state").asText().equals("up")
                                && n.path("labels").path("zone").asText().equals("b")) return true;
                    }
                } catch (CairnException ignored) {
                    // not yet
                }
                return false;
            }, Duration.ofSeconds(30), "the agent to join");
        }
    }

    @Test
    void upServesThreeNodesAndComesBackWithTheSameStateAfterARestart() throws Exception {
        Path data = tmp.resolve("data");
        Pattern upLine = CairnProcesses.UP_LINE;
        Process up = cairn("up", "--agents", "3", "--port", "0", "--data", data.toString());
        String url = lineMatching(up, upLine).get(60, TimeUnit.SECONDS).group(1);
        assertTrue(healthy(url));
        await(() -> upNodes(url) == 3, Duration.ofSeconds(20), "3 nodes up");

        up.destroy(); // SIGTERM: clean shutdown
        assertTrue(up.waitFor(30, TimeUnit.SECONDS), "cairn up stops on SIGTERM");
        assertEquals(0, up.exitValue(), "clean exit");

        Process again = cairn("up", "--agents", "0", "--port", "0", "--data", data.toString());
        String url2 = lineMatching(again, upLine).get(60, TimeUnit.SECONDS).group(1);
        JsonNode nodes = new ApiClient(url2).get("/api/v1/nodes").path("nodes");
        assertEquals(3, nodes.size(), "the same three nodes after a restart: " + nodes);
        for (JsonNode n : nodes) assertTrue(n.path("name").asText().matches("node-[123]"), nodes.toString());
    }

    static int upNodes(String url) {
        try {
            int n = 0;
            for (JsonNode node : new ApiClient(url).get("/api/v1/nodes").path("nodes")) {
                if (node.path("state").asText().equals("up")) n++;
            }
            return n;
        } catch (CairnException e) {
            return -1;
        }
    }
}
