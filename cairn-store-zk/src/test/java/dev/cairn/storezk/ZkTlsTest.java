package dev.cairn.storezk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.StorePath;
import dev.cairn.security.ClusterCa;
import dev.cairn.security.NodeIdentity;
import dev.cairn.security.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cairn talking to a ZooKeeper server over its secure client port (Netty, TLS, client certificates required). */
class ZkTlsTest {
    static final Duration T = Duration.ofSeconds(10);
    @TempDir
    static Path dir;
    static TestingServer server;
    static int securePort;
    static ClusterCa ca;
    static final List<String> SERVER_PROPERTIES = List.of("serverCnxnFactory", "ssl.keyStore.location", "ssl.keyStore.type",
            "ssl.trustStore.location", "ssl.trustStore.type", "ssl.clientAuth");

    @BeforeAll
    static void start() throws Exception {
        // a server that fails to start must fail this test, not end the test JVM
        org.apache.zookeeper.util.ServiceUtils.setSystemExitProcedure(org.apache.zookeeper.util.ServiceUtils.LOG_ONLY);
        Clock clock = Clock.systemUTC();
        ca = ClusterCa.create("zk-test", clock);
        Files.writeString(dir.resolve("ca.pem"), Pem.encode(ca.certificate()));
        ClusterCa.Issued s = ca.issueServer("zk-1", List.of("127.0.0.1", "localhost"), Duration.ofDays(1), clock);
        Files.writeString(dir.resolve("server.pem"), Pem.encode(s.key()) + Pem.encode(s.certificate()));
        NodeIdentity.Request r = NodeIdentity.request("ctl-1");
        Files.writeString(dir.resolve("client.pem"),
                Pem.encode(r.keys().getPrivate()) + Pem.encode(ca.signNode(r.csrPem(), "ctl-1", Duration.ofDays(1), clock)));

        securePort = InstanceSpec.getRandomPort();
        Map<String, Object> props = new HashMap<>();
        props.put("secureClientPort", Integer.toString(securePort));
        props.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        props.put("ssl.keyStore.location", dir.resolve("server.pem").toString());
        props.put("ssl.keyStore.type", "PEM");
        props.put("ssl.trustStore.location", dir.resolve("ca.pem").toString());
        props.put("ssl.trustStore.type", "PEM");
        props.put("ssl.clientAuth", "need");
        Files.createDirectories(dir.resolve("zk"));
        server = new TestingServer(new InstanceSpec(dir.resolve("zk").toFile(), -1, -1, -1, true, -1, -1, -1, props, "127.0.0.1"), true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        // the test server turns its settings into JVM-wide properties; later servers in this JVM must not inherit them
        for (String p : SERVER_PROPERTIES) System.clearProperty("zookeeper." + p);
        org.apache.zookeeper.util.ServiceUtils.setSystemExitProcedure(org.apache.zookeeper.util.ServiceUtils.SYSTEM_EXIT);
    }

    ZkSecurity.Tls tls(boolean withClientCertificate) {
        return new ZkSecurity.Tls(dir.resolve("ca.pem"), withClientCertificate ? Optional.of(dir.resolve("client.pem")) : Optional.empty(),
                Optional.empty(), true);
    }

    @Test
    void cairnUsesTheSecurePortWithItsClientCertificateAndItsAcl() {
        ZkSecurity security = ZkSecurity.digest("tls-test-secret-0123456789").withTls(tls(true));
        try (ZkCoordinationStore store = ZkCoordinationStore.connect("127.0.0.1:" + securePort, T, T, security)) {
            store.put(StorePath.of("nodes", "node-1"), "over tls".getBytes(StandardCharsets.UTF_8));
            assertEquals("over tls", new String(store.get(StorePath.of("nodes", "node-1")).orElseThrow().value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutTlsOrWithoutAClientCertificateTheSecurePortRefuses() {
        CairnException plain = assertThrows(CairnException.class,
                () -> ZkCoordinationStore.connect("127.0.0.1:" + securePort, T, Duration.ofSeconds(3), ZkSecurity.none()));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, plain.code());
        CairnException noCert = assertThrows(CairnException.class,
                () -> ZkCoordinationStore.connect("127.0.0.1:" + securePort, T, Duration.ofSeconds(3), ZkSecurity.none().withTls(tls(false))));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, noCert.code());
        assertTrue(noCert.getMessage().contains("over TLS"), noCert.getMessage());
        assertTrue(noCert.hint().contains("secure client port"), noCert.hint());
    }
}
