package dev.cairn.storezk;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreContract;
import dev.cairn.core.store.StorePath;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract with ACLs on: every znode readable and writable by Cairn's digest identity only. */
class ZkSecuredStoreContractTest extends StoreContract {
    static final ZkSecurity SECURITY = ZkSecurity.digest("contract-secret-0123456789");
    private static TestingServer server;
    private ZkCoordinationStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    static ZkCoordinationStore connect() {
        return ZkCoordinationStore.connect(server.getConnectString(), Duration.ofSeconds(10), Duration.ofSeconds(10), SECURITY);
    }

    @BeforeEach
    void connectFresh() {
        try (ZkCoordinationStore wipe = connect()) {
            for (String child : wipe.children(StorePath.ROOT)) wipe.delete(StorePath.of(child), -1);
        }
        store = connect();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    protected CoordinationStore store() {
        return store;
    }
}
