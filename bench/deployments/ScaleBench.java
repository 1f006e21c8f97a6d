import dev.cairn.agent.Agent;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeploymentView;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.controller.deploy.ServiceState;
import dev.cairn.controller.deploy.ServiceView;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.events.EventFilter;
import dev.cairn.storezk.EmbeddedZooKeeper;
import dev.cairn.storezk.ZkCoordinationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scale: an embedded ZooKeeper and a controller in this JVM, 100 in-process agents (default
 * heartbeats), 10 deployments of 100 services each (real `sleep` processes). Measures the time
 * from applying all ten until every service is reported running, then from killing 10 agents (their
 * loops stop and their service processes are killed) until every service runs again on the other
 * 90 nodes.
 */
public class ScaleBench {
    static final int AGENTS = 100;
    static final int DEPLOYMENTS = 10;
    static final int PER_DEPLOYMENT = 100;
    static final long T0 = System.nanoTime();
    static final java.time.Instant START = java.time.Instant.now();

    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        });
        Path work = Files.createTempDirectory("cairn-bench-scale");
        // reference, same run: this JVM starting 1,000 service processes itself (setsid sh -c 'exec sleep …'), no Cairn
        long r0 = System.nanoTime();
        List<Process> direct = new ArrayList<>();
        for (int i = 0; i < DEPLOYMENTS * PER_DEPLOYMENT; i++) {
            direct.add(new ProcessBuilder("setsid", "/bin/sh", "-c", "exec sleep 98" + String.format("%04d", i))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        double reference = (System.nanoTime() - r0) / 1e9;
        for (Process p : direct) p.destroyForcibly();
        for (Process p : direct) p.waitFor();
        System.out.printf("reference: 1,000 processes started directly in %.1f s%n", reference);
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zk"), 0);
        ZkCoordinationStore zkStore = ZkCoordinationStore.connect(zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(20));
        CountingStore store = new CountingStore(zkStore);
        Controller c = new Controller(new ControllerConfig("bench", "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        Map<String, java.util.concurrent.atomic.AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> d0 = new java.util.concurrent.CopyOnWriteArrayList<>(); // what happened to deployment d0, for reading
        DeploymentsSubsystem d = c.install(new DeploymentsSubsystem(c.context()));
        c.start();
        // the controller's event log, read after each phase through a client of its own on the uncounted store
        StoreEventLog reader = new StoreEventLog(zkStore, Clock.systemUTC());
        long[] cursor = {0};
        List<Agent> agents = new ArrayList<>();
        try {
            for (int i = 1; i <= AGENTS; i++) {
                agents.add(new Agent(c.url(), "node-" + i, Map.of(), Duration.ofMillis(500), work.resolve("node-" + i)).start());
            }
            long t = System.nanoTime();
            while (c.nodes().list().stream().filter(NodeView::up).count() < AGENTS) Thread.sleep(50);
            System.out.printf("%d agents up in %.1f s%n", AGENTS, (System.nanoTime() - t) / 1e9);
            Thread.sleep(2_000);
            System.out.println("store calls, 2 s idle with 100 agents: " + store.drain());

            ApiClient api = new ApiClient(c.url());
            long t0 = System.nanoTime();
            for (int k = 0; k < DEPLOYMENTS; k++) {
                StringBuilder y = new StringBuilder("name: d" + k + "\nservices:\n");
                for (int i = 0; i < PER_DEPLOYMENT; i++) {
                    y.append("  s").append(i).append(":\n    command: [\"/bin/sh\", \"-c\", \"exec sleep 99").append(k).append(String.format("%03d", i)).append("\"]\n");
                }
                api.post("/api/v1/deployments", Map.of("format", "yaml", "content", y.toString()));
            }
            awaitAllRunning(d, Set.of());
            double apply = (System.nanoTime() - t0) / 1e9;
            cursor[0] = tally(reader, cursor[0], counts, d0);
            System.out.printf("apply: %d services running in %.1f s; events so far: %s; DPEs: %s%n", DEPLOYMENTS * PER_DEPLOYMENT, apply, counts,
                    d.cpe().stats().snapshot());
            System.out.println("store calls during apply: " + store.drain());
            System.out.println("load average after apply: " + load());

            if (System.getenv("SCALE_TRACE") != null) d0.forEach(System.out::println);
            d0.clear();
            System.out.printf("%.1f kill phase starts%n", (System.nanoTime() - T0) / 1e9);
            Set<String> killed = new HashSet<>();
            int onKilled = 0;
            long t1 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                Agent a = agents.get(i * 10);
                killed.add(a.name());
                List<ServiceReport> reps = a.services().reports();
                onKilled += (int) reps.stream().filter(r -> r.state().equals("running")).count();
                a.close();
                for (ServiceReport r : reps) {
                    if (r.pid() > 0) new ProcessBuilder("/bin/sh", "-c", "kill -KILL -" + r.pid() + " 2>/dev/null").start();
                }
            }
            awaitAllRunning(d, killed);
            int moved = onKilled;
            double failover = (System.nanoTime() - t1) / 1e9;
            cursor[0] = tally(reader, cursor[0], counts, d0);
            System.out.printf("kill 10 agents: %d services moved, all %d running on the other nodes in %.1f s; events: %s; DPEs: %s%n", moved,
                    DEPLOYMENTS * PER_DEPLOYMENT, failover, counts, d.cpe().stats().snapshot());
            System.out.println("store calls during failover: " + store.drain());
            System.out.println("load average after the kill phase: " + load());
            if (System.getenv("SCALE_TRACE") != null) d0.forEach(System.out::println);
            System.out.printf("| measure | seconds |%n|---|---|%n| reference: start 1,000 processes directly | %.1f |%n"
                    + "| apply 10 x 100 services on 100 agents → all running | %.1f |%n"
                    + "| kill 10 agents (%d services on them) → all running elsewhere | %.1f |%n", reference, apply, moved, failover);
        } catch (Throwable e) {
            e.printStackTrace();
            throw e;
        } finally {
            // kill every service group at once (stopping 1,000 one by one takes minutes on a loaded machine)
            List<String> groups = new ArrayList<>();
            for (Agent a : agents) {
                for (ServiceReport r : a.services().reports()) if (r.pid() > 0) groups.add("-" + r.pid());
                a.close();
            }
            for (int i = 0; i < groups.size(); i += 200) {
                String batch = String.join(" ", groups.subList(i, Math.min(groups.size(), i + 200)));
                new ProcessBuilder("/bin/sh", "-c", "kill -KILL " + batch + " 2>/dev/null").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
            try {
                reader.close();
                c.close();
                store.close();
                zk.close();
            } finally {
                Runtime.getRuntime().halt(0);
            }
        }
    }

    /**
     * Counts the events after {@code since} per type, and keeps those about deployment d0 and the
     * nodes (with their time since the start) for reading; returns the new cursor.
     */
    static long tally(StoreEventLog reader, long since, Map<String, java.util.concurrent.atomic.AtomicInteger> counts, List<String> d0) {
        long cursor = since;
        while (true) {
            var page = reader.after(EventFilter.ALL, cursor, 1000);
            for (var e : page.events()) {
                counts.computeIfAbsent(e.type(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                if (e.subject().equals("d0") || e.subject().startsWith("d0/") || e.type().startsWith("node.")) {
                    d0.add(String.format("%.1f %s %s: %s", Duration.between(START, e.time()).toMillis() / 1e3, e.type(), e.subject(), e.message()));
                }
            }
            if (page.events().isEmpty() || page.cursor() <= cursor) return cursor;
            cursor = page.cursor();
        }
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Waits until every service of every deployment is running, on a node not in {@code avoid}; returns how many had to move. */
    static int awaitAllRunning(DeploymentsSubsystem d, Set<String> avoid) throws InterruptedException {
        Set<String> initiallyOnAvoided = null;
        long lastPrint = System.nanoTime();
        while (true) {
            int ok = 0;
            Set<String> onAvoided = new HashSet<>();
            for (int k = 0; k < DEPLOYMENTS; k++) {
                DeploymentView v = d.store().view("d" + k).orElse(null);
                if (v == null) continue;
                for (ServiceView s : v.services()) {
                    if (s.node() != null && avoid.contains(s.node())) onAvoided.add(v.name() + "/" + s.id());
                    if (s.state() == ServiceState.RUNNING && s.node() != null && !avoid.contains(s.node())) ok++;
                }
            }
            if (initiallyOnAvoided == null) initiallyOnAvoided = onAvoided;
            if (ok == DEPLOYMENTS * PER_DEPLOYMENT) return initiallyOnAvoided.size();
            if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                System.out.println("  ... " + ok + " running");
                lastPrint = System.nanoTime();
            }
            Thread.sleep(100);
        }
    }
}
