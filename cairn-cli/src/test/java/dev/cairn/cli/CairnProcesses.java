package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts real {@code cairn} processes from tests (the test classpath) and kills them all at the end. */
final class CairnProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void await(BooleanSupplier c, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    static boolean healthy(String url) {
        try {
            return new ApiClient(url, Duration.ofSeconds(2)).get("/healthz").path("status").asText().equals("ok");
        } catch (CairnException e) {
            return false;
        }
    }

    static JsonNode status(String url) {
        try {
            return new ApiClient(url, Duration.ofSeconds(2)).get("/api/v1/status");
        } catch (CairnException e) {
            return null;
        }
    }

    static final Pattern UP_LINE = Pattern.compile("cairn is up: controller (http://127\\.0\\.0\\.1:\\d+)");

    /** Starts {@code cairn up} and returns its URL once it says it is up. */
    String up(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("up"));
        a.addAll(List.of(args));
        Process p = start(a.toArray(String[]::new));
        return lineMatching(p, UP_LINE).get(90, TimeUnit.SECONDS).group(1);
    }

    Process last() {
        return processes.get(processes.size() - 1);
    }

    /** Reads a process's output until a line matches, in the background; keeps draining after. */
    static CompletableFuture<Matcher> lineMatching(Process p, Pattern pattern) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        Thread.ofVirtual().start(() -> {
                            try (r) {
                                while (r.readLine() != null) { /* drain */ }
                            } catch (IOException ignored) {
                                // process gone
                            }
                        });
                        return m;
                    }
                }
                throw new IllegalStateException("process ended before printing " + pattern);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
