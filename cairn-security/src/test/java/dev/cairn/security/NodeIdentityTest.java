package dev.cairn.security;

import static dev.cairn.security.ClusterCaTest.CLOCK;
import static dev.cairn.security.ClusterCaTest.T;
import static dev.cairn.security.ClusterCaTest.assertOneLineWithHint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
    @TempDir
    Path data;

    final ClusterCa ca = ClusterCa.create("prod", CLOCK);

    NodeIdentity join(String name, Clock issuedAt, Duration lifetime) {
        NodeIdentity.Request r = NodeIdentity.request(name);
        X509Certificate signed = ca.signNode(r.csrPem(), name, lifetime, issuedAt);
        return new NodeIdentity(name, r.keys().getPrivate(), signed, ca.certificate());
    }

    @Test
    void savedIdentityLoadsBackFromPrivateFiles() throws Exception {
        NodeIdentity.Request r = NodeIdentity.request("node-1");
        NodeIdentity id = r.accept(ca.signNode(r.csrPem(), "node-1", ClusterCa.NODE_LIFETIME, CLOCK), ca.certificate(), T);
        assertFalse(NodeIdentity.exists(data));
        id.save(data);
        assertTrue(NodeIdentity.exists(data));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("node.key"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("node.crt"))));
        NodeIdentity loaded = NodeIdentity.load(data, T.plus(Duration.ofDays(1)));
        assertEquals("node-1", loaded.name());
        assertEquals(id.certificate(), loaded.certificate());
        assertEquals(id.key(), loaded.key());
        assertEquals(ca.certificate(), loaded.ca());
    }

    @Test
    void acceptingASignedCertificateForAnotherKeyIsRefused() {
        NodeIdentity.Request mine = NodeIdentity.request("node-1");
        X509Certificate someoneElses = ca.signNode(NodeIdentity.request("node-1").csrPem(), "node-1", ClusterCa.NODE_LIFETIME, CLOCK);
        CairnException e = assertThrows(CairnException.class, () -> mine.accept(someoneElses, ca.certificate(), T));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertOneLineWithHint(e);
    }

    @Test
    void anExpiredCertificateIsRefusedOnLoad() {
        join("node-1", Clock.fixed(T.minus(Duration.ofDays(40)), ZoneOffset.UTC), ClusterCa.NODE_LIFETIME).save(data);
        CairnException e = assertThrows(CairnException.class, () -> NodeIdentity.load(data, T));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertTrue(e.getMessage().contains("expired at " + T.minus(Duration.ofDays(10))), e.getMessage());
        assertOneLineWithHint(e);
    }

    @Test
    void aNotYetValidCertificateIsRefused() {
        NodeIdentity future = join("node-1", Clock.fixed(T.plus(Duration.ofDays(1)), ZoneOffset.UTC), ClusterCa.NODE_LIFETIME);
        CairnException e = assertThrows(CairnException.class, () -> future.check(T));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertTrue(e.getMessage().contains("not valid before " + T.plus(Duration.ofDays(1)).minus(ClusterCa.BACKDATE)), e.getMessage());
        assertOneLineWithHint(e);
        // within the backdating a slightly slow clock is fine
        future.check(T.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(4)));
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        ClusterCa other = ClusterCa.create("other", CLOCK);
        NodeIdentity.Request r = NodeIdentity.request("node-1");
        NodeIdentity foreign = new NodeIdentity("node-1", r.keys().getPrivate(), other.signNode(r.csrPem(), "node-1", ClusterCa.NODE_LIFETIME, CLOCK),
                ca.certificate());
        CairnException e = assertThrows(CairnException.class, () -> foreign.check(T));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertTrue(e.getMessage().contains("not issued by this cluster's CA"), e.getMessage());
    }

    @Test
    void aCertificateForAnotherNodeIsRefused() {
        NodeIdentity id = join("node-2", CLOCK, ClusterCa.NODE_LIFETIME);
        NodeIdentity renamed = new NodeIdentity("node-1", id.key(), id.certificate(), id.ca());
        CairnException e = assertThrows(CairnException.class, () -> renamed.check(T));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertTrue(e.getMessage().contains("'node-2', not 'node-1'"), e.getMessage());
    }

    @Test
    void missingFilesSayHowToJoin() {
        CairnException e = assertThrows(CairnException.class, () -> NodeIdentity.load(data, T));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.hint().contains("--join"), e.hint());
    }

    @Test
    void renewalIsDueAtTwoThirdsOfTheLifetime() {
        NodeIdentity id = join("node-1", CLOCK, ClusterCa.NODE_LIFETIME);
        // valid from T-5m to T+30d: two thirds of 30d5m after T-5m is T+20d-1m40s
        assertEquals(T.plus(Duration.ofDays(20)).minus(Duration.ofSeconds(100)), id.renewAt());
        assertFalse(id.renewalDue(T.plus(Duration.ofDays(19))));
        assertTrue(id.renewalDue(T.plus(Duration.ofDays(20))));
        assertEquals(T.plus(Duration.ofDays(30)), id.expires());
    }

    @Test
    void anInvalidNodeNameGetsNoRequest() {
        assertEquals(ErrorCode.INVALID_NAME, assertThrows(CairnException.class, () -> NodeIdentity.request("-bad")).code());
    }
}
