package dev.cairn.storeetcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StorePath;
import dev.cairn.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against an etcd started with {@code --cert-file/--key-file/--trusted-ca-file
 * --client-cert-auth}, with certificates made by the test: the adapter connects with the CA
 * certificate and a client certificate and key; without the client certificate, or trusting
 * another CA, it is refused with a one-line error.
 */
class EtcdTlsTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static TestCertificates.Issued client;
    private static EtcdCluster etcd;

    @BeforeAll
    static void start() throws Exception {
        certs = new TestCertificates(dir.resolve("pki"), "cairn-test-ca");
        TestCertificates.Issued server = certs.server("etcd-server");
        client = certs.client("cairn-controller");
        etcd = EtcdCluster.start(dir, 1, new EtcdCluster.ServerTls(server.cert(), server.key(), certs.caCert, certs.sslContext(client)));
    }

    @AfterAll
    static void stop() {
        if (etcd != null) etcd.close();
    }

    EtcdOptions tls(Path ca, Path cert, Path key) {
        return EtcdOptions.of(etcd.endpoints()).withTls(ca, cert, key).withConnectTimeout(Duration.ofSeconds(3));
    }

    @Test
    void connectsWithTheCaAndAClientCertificate() throws Exception {
        assertTrue(etcd.endpoints().startsWith("https://127.0.0.1:"), etcd.endpoints());
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(tls(certs.caCert, client.cert(), client.key()))) {
            List<StoreEvent> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable w = store.watch(StorePath.of("tls"), seen::add)) {
                store.put(StorePath.of("tls", "x"), "over TLS".getBytes(StandardCharsets.UTF_8));
                Await.until("the watch over TLS", Duration.ofSeconds(10), () -> seen.stream().anyMatch(e -> e.path().equals(StorePath.of("tls", "x"))));
            }
            assertEquals("over TLS", new String(store.get(StorePath.of("tls", "x")).orElseThrow().value(), StandardCharsets.UTF_8));
            assertTrue(store.createEphemeral(StorePath.of("tls", "eph"), new byte[0]).isPresent(), "leases over TLS");
        }
    }

    @Test
    void withoutAClientCertificateTheClusterRefuses() {
        CairnException e = assertThrows(CairnException.class, () -> EtcdCoordinationStore.connect(tls(certs.caCert, null, null)));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().startsWith("cannot reach etcd at " + etcd.endpoints()), e.getMessage());
        assertTrue(e.hint().contains("client certificates"), e.hint());
        System.out.println("without a client certificate: " + e.getMessage());
    }

    @Test
    void aServerSignedByAnotherCaIsNotTrusted() throws Exception {
        TestCertificates other = new TestCertificates(dir.resolve("other-pki"), "another-ca");
        TestCertificates.Issued otherClient = other.client("stranger");
        CairnException e = assertThrows(CairnException.class,
                () -> EtcdCoordinationStore.connect(tls(other.caCert, otherClient.cert(), otherClient.key())));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
    }

    @Test
    void unusableTlsFilesAreBadInput() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        CairnException e = assertThrows(CairnException.class, () -> EtcdCoordinationStore.connect(tls(certs.caCert, client.cert(), notAKey)));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("cannot use the etcd TLS files"), e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class,
                () -> tls(certs.caCert, client.cert(), null)).code(), "a certificate without its key");
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class,
                () -> EtcdOptions.of("http://127.0.0.1:2379").withTls(certs.caCert, null, null)).code(), "TLS files for an http endpoint");
    }
}
