package dev.cairn.storezk;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreContract;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract against a real ZooKeeper server (Curator's TestingServer, in-process, loopback). */
class ZkStoreContractTest extends StoreContract {
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

    @BeforeEach
    void connect() throws Exception {
        // a fresh namespace per test: wipe what earlier tests left
        try (ZkCoordinationStore wipe = ZkCoordinationStore.connect(server.getConnectString())) {
            for (String child : wipe.children(dev.cairn.core.store.StorePath.ROOT)) {
                wipe.delete(dev.cairn.core.store.StorePath.of(child), -1);
            }
        }
        store = ZkCoordinationStore.connect(server.getConnectString());
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
