package dev.cairn.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.ZkWithLog;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.policy.deployment.ServiceDef;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deployment changes carry their events in the same ZooKeeper transaction: each change is in the
 * log (read back from it), and a change the store refuses leaves no event.
 */
class DeploymentStoreTest {
    private ZkWithLog zk;
    private StoreEventLog log;
    private DeploymentStore deployments;

    @BeforeEach
    void start() throws Exception {
        zk = new ZkWithLog();
        log = zk.log;
        deployments = new DeploymentStore(zk.store, log);
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    private List<Event> all(String type) {
        return zk.events(type);
    }

    static DeploymentSpec spec(String name, String... services) {
        StringBuilder y = new StringBuilder("name: " + name + "\nservices:\n");
        for (String s : services) y.append("  ").append(s).append(":\n    command: [\"/bin/sleep\", \"100\"]\n");
        return DeploymentReader.read(y.toString(), false, null);
    }

    @Test
    void applyingAndDeletingADeploymentAreInTheLog() {
        assertEquals(DeploymentStore.Applied.CREATED, deployments.apply(spec("web", "a")));
        assertEquals(DeploymentStore.Applied.UNCHANGED, deployments.apply(spec("web", "a")));
        assertEquals(DeploymentStore.Applied.UPDATED, deployments.apply(spec("web", "a", "b")));
        List<Event> applied = all("deployment.applied");
        assertEquals(2, applied.size(), "one event per change, none for an unchanged apply: " + applied);
        assertEquals("created", applied.get(0).data().path("result").asText());
        assertEquals("updated", applied.get(1).data().path("result").asText());
        assertEquals(2, applied.get(1).data().path("services").asInt());

        deployments.markDeleting("web");
        deployments.markDeleting("web"); // already deleting: no change, no event
        assertEquals(1, all("deployment.deleting").size());
        CairnException refused = assertThrows(CairnException.class, () -> deployments.apply(spec("web", "a")));
        assertEquals(ErrorCode.CONFLICT, refused.code());
        deployments.remove("web");
        assertTrue(deployments.find("web").isEmpty());
        List<Event> deleted = all("deployment.deleted");
        assertEquals(1, deleted.size());
        assertEquals("web", deleted.get(0).subject());
    }

    @Test
    void aRefusedTransactionRecordsNoEvent() {
        deployments.apply(spec("web", "a"));
        long head = log.headSeq();
        // creating what exists fails: neither the change nor its event is written
        TxResult r = log.transact(List.of(StoreOp.create(DeploymentStore.DEPLOYMENTS.child("web"), new byte[] {1})),
                List.of(EventDraft.of("deployment.applied", "web", "must not appear"))).result();
        assertFalse(r.committed());
        // withdrawing work the agent already took fails too (the DPE's withdrawal is this transaction)
        TxResult c = log.transact(List.of(WorkQueue.cancelOp("n1", "w-0000000007")),
                List.of(EventDraft.of("deployment.action.cancelled", "web", "must not appear either"))).result();
        assertFalse(c.committed());
        // removing a deployment that is gone already
        deployments.remove("web");
        long afterRemove = log.headSeq();
        deployments.remove("web");
        assertEquals(afterRemove, log.headSeq(), "a second remove changes nothing and records nothing");
        assertEquals(head + 1, afterRemove, "only the real removal was recorded");
        assertTrue(log.after(EventFilter.ALL, 0, 1000).events().stream().noneMatch(e -> e.message().startsWith("must not appear")));
    }

    @Test
    void anUpdateThroughTheStoreIsAppliedWithItsEvent() {
        // what a role's deployment goes through when instances start and stop
        ServiceDef a = spec("x", "a").services().get(0);
        ServiceDef b = spec("x", "b").services().get(0);
        assertEquals(DeploymentStore.Applied.UNCHANGED, deployments.update("role-r", s -> s), "nothing to create without a service");
        assertTrue(deployments.find("role-r").isEmpty());
        assertEquals(DeploymentStore.Applied.CREATED, deployments.update("role-r", s -> withServices(s, a)));
        assertEquals(DeploymentStore.Applied.UPDATED, deployments.update("role-r", s -> withServices(s, a, b)));
        assertEquals(DeploymentStore.Applied.UNCHANGED, deployments.update("role-r", s -> withServices(s, a, b)));
        assertEquals(List.of("a", "b"), deployments.find("role-r").orElseThrow().services().stream().map(ServiceDef::id).toList());
        List<Event> applied = all("deployment.applied");
        assertEquals(List.of("created with 1 service(s)", "changed; now 2 service(s)"), applied.stream().map(Event::message).toList());
        assertEquals(List.of("role-r", "role-r"), applied.stream().map(Event::subject).toList());

        deployments.markDeleting("role-r");
        CairnException e = assertThrows(CairnException.class, () -> deployments.update("role-r", s -> withServices(s, a)));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(2, all("deployment.applied").size(), "a refused update records nothing");
    }

    static DeploymentSpec withServices(DeploymentSpec s, ServiceDef... services) {
        return new DeploymentSpec(s.name(), new ArrayList<>(List.of(services)), s.locations(), s.colocations(), s.orders(), s.options(),
                s.resourceDefaults(), s.deleting());
    }

    @Test
    void agentsReportsRecordEachServiceStateChange() {
        Instant t = Instant.parse("2026-11-22T01:00:00Z");
        ObservedService running = new ObservedService("web", "a", "h1", ObservedState.RUNNING, 4242, t, 0, false, null);
        assertTrue(deployments.report("n1", new DeploymentStore.NodeReport(List.of(running))));
        assertFalse(deployments.report("n1", new DeploymentStore.NodeReport(List.of(running))), "the same report changes nothing");
        ObservedService failed = new ObservedService("web", "a", "h1", ObservedState.FAILED, 0, t.plusSeconds(5), 1, false, "process exited with 1");
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(failed)));
        deployments.report("n1", new DeploymentStore.NodeReport(List.of()));

        List<Event> started = all("service.started");
        assertEquals(1, started.size(), started.toString());
        assertEquals("web/a", started.get(0).subject());
        assertEquals("n1", started.get(0).data().path("node").asText());
        assertEquals(4242, started.get(0).data().path("pid").asLong());
        List<Event> f = all("service.failed");
        assertEquals(1, f.size());
        assertEquals(1, f.get(0).data().path("failCount").asInt());
        assertTrue(f.get(0).message().contains("process exited with 1"), f.get(0).message());
        assertEquals(0, all("service.stopped").size(), "a failed copy leaving the report is not a stop");
        // the stored report is the last one
        assertEquals(List.of(), deployments.reports().get("n1").services());
    }

    @Test
    void aFailedCopyThatLosesItsPidOnceStoppedIsNotASecondFailure() {
        Instant t = Instant.parse("2026-11-22T01:00:00Z");
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(
                new ObservedService("web", "a", "h1", ObservedState.RUNNING, 4242, t, 0, false, null))));
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(
                new ObservedService("web", "a", "h1", ObservedState.FAILED, 4242, t.plusSeconds(1), 1, false, "answered 500"))));
        // the agent stopped the failed copy: the same failure, reported without a process
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(
                new ObservedService("web", "a", "h1", ObservedState.FAILED, 0, t.plusSeconds(2), 1, false, "answered 500"))));
        assertEquals(1, all("service.failed").size(), all("service.failed").toString());
        // a new process of the same service that fails is a new failure
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(
                new ObservedService("web", "a", "h1", ObservedState.RUNNING, 4300, t.plusSeconds(3), 1, false, null))));
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(
                new ObservedService("web", "a", "h1", ObservedState.FAILED, 4300, t.plusSeconds(4), 2, false, "answered 500"))));
        assertEquals(2, all("service.failed").size());
        assertEquals(2, all("service.started").size());
    }

    @Test
    void statesAreStoredAndShownAsTheirNames() {
        ObservedService running = new ObservedService("web", "a", "h1", ObservedState.RUNNING, 1, Instant.parse("2026-11-22T01:00:00Z"), 0, false, null);
        String json = Json.string(new DeploymentStore.NodeReport(List.of(running)));
        assertTrue(json.contains("\"state\":\"running\""), json);
        assertEquals(running, Json.read(json.getBytes(), DeploymentStore.NodeReport.class).services().get(0));
        DeploymentView v = new DeploymentView("web", List.of(new ServiceView("a", ServiceState.STARTING, "n1", null)));
        deployments.putView(v);
        assertEquals(v, deployments.view("web").orElseThrow());
        assertTrue(Json.string(v).contains("\"state\":\"starting\""), Json.string(v));
    }
}
