import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Failover time with real processes and default settings (heartbeat 500 ms, timeout 2 s):
 * `cairn up --agents 0` (embedded ZooKeeper + controller) and three `cairn agent` processes, one
 * service. KILLS times: kill -9 the node running the service (the agent and every process group it
 * started), measure until `GET /api/v1/deployments/solo` (what `deployment show` prints) reports it
 * running on another node, then start the killed agent again and wait for three nodes up.
 *
 * Run through bench/deployments/run.sh (it builds the class path).
 */
public class FailoverBench {
    static final List<Process> all = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path work = Files.createTempDirectory("cairn-bench-failover");
        Runtime.getRuntime().addShutdownHook(new Thread(FailoverBench::killAll));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        start(work.resolve("up"), "up", "--agents", "0", "--port", Integer.toString(port), "--data", work.resolve("data").toString());
        ApiClient api = new ApiClient(url, Duration.ofSeconds(5));
        await(() -> {
            try {
                return api.get("/healthz").path("status").asText().equals("ok");
            } catch (CairnException e) {
                return false;
            }
        }, 120, "the controller");
        Map<String, Process> agents = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) agents.put("node-" + i, agent(work, url, "node-" + i));
        await(() -> upNodes(api) == 3, 120, "3 nodes up");
        api.post("/api/v1/deployments", Map.of("format", "yaml", "content",
                "name: solo\nservices:\n  one:\n    command: [\"/bin/sh\", \"-c\", \"exec sleep 8765432\"]\n"));
        List<Double> times = new ArrayList<>();
        for (int k = 1; k <= kills; k++) {
            await(() -> upNodes(api) == 3 && running(api) != null, 120, "3 nodes up and the service running");
            String node = running(api);
            Process victim = agents.get(node);
            List<ProcessHandle> started = victim.descendants().toList();
            long t0 = System.nanoTime();
            victim.destroyForcibly();
            for (ProcessHandle h : started) {
                new ProcessBuilder("/bin/sh", "-c", "kill -KILL -" + h.pid() + " 2>/dev/null").start();
                h.destroyForcibly();
            }
            String now;
            while ((now = running(api)) == null || now.equals(node)) Thread.sleep(20);
            double s = (System.nanoTime() - t0) / 1e9;
            times.add(s);
            System.out.printf("kill %2d: %s -> %s in %.2f s%n", k, node, now, s);
            victim.waitFor(10, TimeUnit.SECONDS);
            agents.put(node, agent(work, url, node));
        }
        List<Double> sorted = new ArrayList<>(times);
        sorted.sort(null);
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        System.out.printf("| kills | median (s) | worst (s) | best (s) |%n|---|---|---|---|%n| %d | %.2f | %.2f | %.2f |%n",
                times.size(), median, sorted.get(sorted.size() - 1), sorted.get(0));
        killAll();
        System.exit(0);
    }

    static String running(ApiClient api) {
        try {
            JsonNode s = api.get("/api/v1/deployments/solo").path("services").get(0);
            return s != null && s.path("state").asText().equals("running") ? s.path("node").asText() : null;
        } catch (CairnException e) {
            return null;
        }
    }

    static int upNodes(ApiClient api) {
        try {
            int n = 0;
            for (JsonNode node : api.get("/api/v1/nodes").path("nodes")) if (node.path("state").asText().equals("up")) n++;
            return n;
        } catch (CairnException e) {
            return -1;
        }
    }

    static Process agent(Path work, String url, String name) throws IOException {
        return start(work.resolve(name), "agent", "--controller", url, "--name", name);
    }

    static Process start(Path dir, String... args) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile())).start();
        all.add(p);
        return p;
    }

    interface Check { boolean ok() throws Exception; }

    static void await(Check c, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.ok()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    static void killAll() {
        for (Process p : all) {
            p.descendants().forEach(h -> {
                try {
                    new ProcessBuilder("/bin/sh", "-c", "kill -KILL -" + h.pid() + " 2>/dev/null").start().waitFor();
                } catch (Exception ignored) {
                    // best effort
                }
                h.destroyForcibly();
            });
            p.destroyForcibly();
        }
    }
}
