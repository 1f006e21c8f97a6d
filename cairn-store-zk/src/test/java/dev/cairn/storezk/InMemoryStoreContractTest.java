package dev.cairn.storezk;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.store.StoreContract;
import org.junit.jupiter.api.BeforeEach;

/** The in-memory store must honour the same contract as the real adapters. */
class InMemoryStoreContractTest extends StoreContract {
    private CoordinationStore store;

    @BeforeEach
    void setUp() {
        store = new InMemoryCoordinationStore();
    }

    @Override
    protected CoordinationStore store() {
        return store;
    }
}
