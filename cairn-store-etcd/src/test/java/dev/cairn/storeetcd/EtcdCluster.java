package dev.cairn.storeetcd;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.testkit.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;

/**
 * Real etcd servers for tests: Debian's {@code etcd} (package etcd-server) started as child
 * processes on loopback ports chosen free at run time, each member's data directory and log under
 * the given directory, with the {@code --max-txn-ops} Cairn needs. One member or a cluster of several; a member can be killed with SIGKILL and
 * started again on its data. {@link #close} kills every member (and anything it started) and waits
 * for it to exit; a shutdown hook does the same if the test JVM ends first.
 *
 * <p>When {@code etcd} is not installed the calling test is skipped with a printed reason, or fails
 * when {@code CAIRN_REQUIRE_EXTERNAL=1} (as CI sets it).
 */
final class EtcdCluster implements AutoCloseable {
    /** Server TLS: certificate, key and the CA that client certificates must be signed by. */
    record ServerTls(Path cert, Path key, Path trustedCa, SSLContext healthCheckContext) {}

    private final Path etcd;
    private final Path dir;
    private final ServerTls tls;
    private final List<Member> members = new ArrayList<>();
    private final String token = "cairn-test-" + UUID.randomUUID();
    private final Thread shutdownHook = new Thread(this::killAll, "etcd-test-cleanup");

    private final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        Process process;

        Member(String name, int clientPort, int peerPort) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
        }

        String clientUrl() { return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort; }

        String peerUrl() { return "http://127.0.0.1:" + peerPort; }
    }

    private EtcdCluster(Path etcd, Path dir, ServerTls tls) {
        this.etcd = etcd;
        this.dir = dir;
        this.tls = tls;
    }

    /** The etcd binary, or the test is skipped (fails under CAIRN_REQUIRE_EXTERNAL=1). */
    static Path requireEtcd() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin").split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "etcd");
            if (Files.isExecutable(p)) return p;
        }
        if ("1".equals(System.getenv("CAIRN_REQUIRE_EXTERNAL"))) {
            fail("etcd not found and CAIRN_REQUIRE_EXTERNAL=1: install Debian package etcd-server");
        }
        System.out.println("SKIPPED etcd test: etcd not found (apt-get install etcd-server)");
        Assumptions.abort("etcd not installed");
        return null;
    }

    static EtcdCluster start(Path dir, int size) throws Exception {
        return start(dir, size, null);
    }

    /** Starts {@code size} members and waits until every one reports itself healthy. */
    static EtcdCluster start(Path dir, int size, ServerTls tls) throws Exception {
        Path etcd = requireEtcd();
        // a port chosen free can be taken by another process before etcd binds it: try again with new ones
        for (int attempt = 1; ; attempt++) {
            EtcdCluster c = new EtcdCluster(etcd, Files.createDirectories(dir.resolve("try-" + attempt)), tls);
            try {
                c.boot(size);
                return c;
            } catch (Exception | AssertionError e) {
                String log = c.logTails();
                c.close();
                if (attempt >= 3 || !log.contains("address already in use")) {
                    throw new IllegalStateException("etcd did not start: " + e.getMessage() + "\n" + log, e);
                }
            }
        }
    }

    private void boot(int size) throws IOException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        List<Integer> ports = freePorts(size * 2);
        for (int i = 0; i < size; i++) members.add(new Member("m" + i, ports.get(2 * i), ports.get(2 * i + 1)));
        for (int i = 0; i < size; i++) launch(i);
        awaitHealthy();
    }

    private void launch(int index) throws IOException {
        Member m = members.get(index);
        Path data = dir.resolve(m.name);
        String cluster = members.stream().map(x -> x.name + "=" + x.peerUrl()).collect(Collectors.joining(","));
        List<String> cmd = new ArrayList<>(List.of(etcd.toString(),
                "--name", m.name,
                "--data-dir", data.toString(),
                "--listen-client-urls", m.clientUrl(),
                "--advertise-client-urls", m.clientUrl(),
                "--listen-peer-urls", m.peerUrl(),
                "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", cluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token,
                "--max-txn-ops", Integer.toString(EtcdCoordinationStore.MIN_MAX_TXN_OPS),
                "--logger", "zap",
                "--log-outputs", "stderr"));
        if (tls != null) {
            cmd.addAll(List.of("--cert-file", tls.cert().toString(), "--key-file", tls.key().toString(),
                    "--trusted-ca-file", tls.trustedCa().toString(), "--client-cert-auth"));
        }
        Path log = dir.resolve(m.name + ".log");
        m.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits until every running member answers its health check (it then has a leader). */
    void awaitHealthy() {
        for (Member m : members) {
            if (m.process == null) continue;
            Await.until("etcd member " + m.name + " healthy", Duration.ofSeconds(60), () -> {
                if (!m.process.isAlive()) throw new AssertionError("etcd member " + m.name + " exited with " + m.process.exitValue());
                return healthy(m);
            });
        }
    }

    private boolean healthy(Member m) throws IOException, InterruptedException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) b.sslContext(tls.healthCheckContext());
        try (HttpClient http = b.build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.clientUrl() + "/health"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
        }
    }

    /** The client URLs of all members, comma-separated, in member order. */
    String endpoints() {
        return members.stream().map(Member::clientUrl).collect(Collectors.joining(","));
    }

    String endpoint(int index) { return members.get(index).clientUrl(); }

    int size() { return members.size(); }

    long pid(int index) { return members.get(index).process.pid(); }

    boolean isRunning(int index) {
        Process p = members.get(index).process;
        return p != null && p.isAlive();
    }

    /** SIGKILL to the member (kill -9) and everything it started; waits until it has exited. */
    void kill(int index) {
        Member m = members.get(index);
        if (m.process == null) return;
        Process p = m.process;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("etcd member " + m.name + " did not exit after SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        m.process = null;
    }

    /** Starts a killed member again on its data directory (it rejoins the cluster it was in). */
    void restart(int index) throws IOException {
        if (members.get(index).process != null) throw new IllegalStateException("member " + index + " is running");
        launch(index);
    }

    private void killAll() {
        for (int i = 0; i < members.size(); i++) kill(i);
    }

    /** The last lines of every member's log, for failure messages. */
    String logTails() {
        StringBuilder sb = new StringBuilder();
        for (Member m : members) {
            Path log = dir.resolve(m.name + ".log");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                sb.append("--- ").append(m.name).append(" log (last lines) ---\n");
                for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) sb.append(l).append('\n');
            } catch (IOException e) {
                sb.append("(cannot read ").append(log).append(": ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // the JVM is shutting down already, or the hook was never added
        }
    }

    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
        return ports;
    }
}
