package dev.cairn.storezk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.store.StorePath;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-member ensemble with a member killed mid-test: every write acknowledged before the kill is
 * still there afterwards, and writes resume once the client has failed over.
 */
class ZkClusterFailureTest {
    @TempDir
    Path tmp;

    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                ports.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
        return ports;
    }

    static TestingCluster cluster(Path dir) throws IOException {
        List<Integer> ports = freePorts(9);
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path d = Files.createDirectories(dir.resolve("zk" + i));
            specs.add(new InstanceSpec(d.toFile(), ports.get(i * 3), ports.get(i * 3 + 1), ports.get(i * 3 + 2),
                    true, i + 1, 2000, 60, null, "127.0.0.1"));
        }
        return new TestingCluster(specs);
    }

    @Test
    void acknowledgedWritesSurviveAMemberKillAndWritesResume() throws Exception {
        try (TestingCluster cluster = cluster(tmp)) {
            cluster.start();
            try (ZkCoordinationStore store = ZkCoordinationStore.connect(cluster.getConnectString(), Duration.ofSeconds(15), Duration.ofSeconds(30))) {
                Set<String> acknowledged = new HashSet<>();
                for (int i = 0; i < 200; i++) {
                    String key = "k" + i;
                    store.put(StorePath.of("acks", key), ("v" + i).getBytes(StandardCharsets.UTF_8));
                    acknowledged.add(key);
                }
                // kill the member this client is talking to: the hardest case for the client
                TestingZooKeeperServer victim = null;
                var connected = cluster.findConnectionInstance(store.client().getZookeeperClient().getZooKeeper());
                for (TestingZooKeeperServer s : cluster.getServers()) {
                    if (s.getInstanceSpec().equals(connected)) victim = s;
                }
                assertTrue(victim != null, "found the connected member");
                assertTrue(cluster.killServer(connected), "killed " + connected);

                // writes resume once the client reconnects to a surviving member
                int resumed = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                for (int i = 200; i < 260 && System.nanoTime() < deadline; ) {
                    try {
                        store.put(StorePath.of("acks", "k" + i), ("v" + i).getBytes(StandardCharsets.UTF_8));
                        acknowledged.add("k" + i);
                        resumed++;
                        i++;
                    } catch (CairnException e) {
                        Thread.sleep(100); // not acknowledged: retried
                    }
                }
                assertEquals(60, resumed, "writes resumed after the kill");

                List<String> children = store.children(StorePath.of("acks"));
                assertEquals(acknowledged, new HashSet<>(children), "no acknowledged write lost");
                for (String k : acknowledged) {
                    String v = new String(store.get(StorePath.of("acks", k)).orElseThrow().value(), StandardCharsets.UTF_8);
                    assertEquals("v" + k.substring(1), v);
                }
            }
        }
    }
}
