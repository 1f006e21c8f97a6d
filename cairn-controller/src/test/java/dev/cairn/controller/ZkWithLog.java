package dev.cairn.controller;

import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.storezk.ZkCoordinationStore;
import java.time.Clock;
import java.util.List;
import org.apache.curator.test.TestingServer;

/** A ZooKeeper test server, a store connected to it and the event log in that store, closed together. */
public final class ZkWithLog implements AutoCloseable {
    public final TestingServer zk;
    public final ZkCoordinationStore store;
    public final StoreEventLog log;

    public ZkWithLog() throws Exception {
        zk = new TestingServer(true);
        store = ZkCoordinationStore.connect(zk.getConnectString());
        log = new StoreEventLog(store, Clock.systemUTC());
    }

    /** The events of {@code type} (and below it), oldest first. */
    public List<Event> events(String type) {
        return log.after(EventFilter.type(type), 0, 1000).events();
    }

    @Override
    public void close() throws Exception {
        log.close();
        store.close();
        zk.close();
    }
}
