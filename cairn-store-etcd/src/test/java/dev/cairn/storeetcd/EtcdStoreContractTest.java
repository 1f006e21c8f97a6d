package dev.cairn.storeetcd;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreContract;
import dev.cairn.core.store.StorePath;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against a real etcd (one member, a child process on loopback). */
class EtcdStoreContractTest extends StoreContract {
    @TempDir
    static Path dir;
    private static EtcdCluster etcd;
    private EtcdCoordinationStore store;

    @BeforeAll
    static void startServer() throws Exception {
        etcd = EtcdCluster.start(dir, 1);
    }

    @AfterAll
    static void stopServer() {
        if (etcd != null) etcd.close();
    }

    @BeforeEach
    void connect() {
        // a fresh namespace per test: wipe what earlier tests left
        try (EtcdCoordinationStore wipe = EtcdCoordinationStore.connect(etcd.endpoints())) {
            for (String child : wipe.children(StorePath.ROOT)) wipe.delete(StorePath.of(child), -1);
        }
        store = EtcdCoordinationStore.connect(etcd.endpoints());
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
