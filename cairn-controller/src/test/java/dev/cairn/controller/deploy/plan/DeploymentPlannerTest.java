package dev.cairn.controller.deploy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.controller.deploy.DeploymentView;
import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.ObservedState;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.NodeStatus;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.PendingWork;
import dev.cairn.controller.deploy.plan.DeploymentPlanner.Decision;
import dev.cairn.controller.deploy.plan.DeploymentPlanner.Memory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentPlannerTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final String YAML = """
            name: web
            services:
              a:
                command: ["/bin/sh", "-c", "exec sleep 100000"]
              b:
                command: ["/bin/sh", "-c", "exec sleep 100000"]
                monitor: {interval: 1s, timeout: 2s}
            """;
    final DeploymentSpec spec = yaml(YAML);

    static DeploymentSpec yaml(String content) {
        return DeploymentReader.read(content, false, null);
    }

    static List<NodeStatus> nodes(String... downNodes) {
        List<NodeStatus> out = new ArrayList<>();
        for (String n : List.of("n1", "n2", "n3")) out.add(new NodeStatus(n, !List.of(downNodes).contains(n), false, Map.of()));
        return out;
    }

    ObservedService running(String svc, Instant since) {
        return new ObservedService("web", svc, spec.service(svc).orElseThrow().hash(), ObservedState.RUNNING, 42, since, 0, false, null);
    }

    static Decision decide(DeploymentSpec s, ClusterSnapshot snap, Memory m) {
        return DeploymentPlanner.decide(s, snap, m, NOW);
    }

    static String state(Decision d, String svc) {
        return d.view().services().stream().filter(v -> v.id().equals(svc)).findFirst().orElseThrow().state().value();
    }

    @Test
    void aNewDeploymentStartsEveryServiceAndShowsThemStarting() {
        Decision d = decide(spec, new ClusterSnapshot(nodes(), Map.of(), List.of(), Map.of()), Memory.empty("web"));
        assertEquals(2, d.actions().size(), d.actions().toString());
        assertTrue(d.actions().stream().allMatch(a -> a instanceof DeployAction.Start));
        assertEquals("starting", state(d, "a"));
        assertEquals("starting", state(d, "b"));
    }

    @Test
    void workInFlightIsNotSentAgainAndWorkForADownNodeIsWithdrawn() {
        List<PendingWork> pending = List.of(new PendingWork("n1", "w-1", ServiceAction.START, "a", NOW),
                new PendingWork("n2", "w-2", ServiceAction.START, "b", NOW));
        Decision d = decide(spec, new ClusterSnapshot(nodes("n2"), Map.of(), pending, Map.of()), Memory.empty("web"));
        assertTrue(d.actions().contains(new DeployAction.Cancel("n2", "w-2", "node n2 is down")), d.actions().toString());
        assertTrue(d.actions().stream().noneMatch(a -> a instanceof DeployAction.Start s && s.service().id().equals("a")));
        assertTrue(d.actions().stream().anyMatch(a -> a instanceof DeployAction.Start s && s.service().id().equals("b") && !s.node().equals("n2")));
        assertEquals("starting", state(d, "a"));
    }

    @Test
    void runningServicesStayWhereTheyAreAndMoveWhenTheirNodeGoesDown() {
        Map<String, List<ObservedService>> obs = Map.of("n1", List.of(running("a", NOW), running("b", NOW)));
        Decision steady = decide(spec, new ClusterSnapshot(nodes(), obs, List.of(), Map.of()), Memory.empty("web"));
        assertEquals(List.of(), steady.actions(), "nothing to do while both run");
        assertEquals("running", state(steady, "a"));
        assertEquals("n1", steady.view().services().get(0).node());

        Decision down = decide(spec, new ClusterSnapshot(nodes("n1"), obs, List.of(), Map.of()), steady.memory());
        assertEquals(2, down.actions().size(), down.actions().toString());
        for (DeployAction a : down.actions()) {
            assertTrue(a instanceof DeployAction.Start s && !s.node().equals("n1"), a.toString());
        }
    }

    @Test
    void aNodeThatComesBackHasItsStaleCopiesStoppedFirst() {
        // a moved to n2 while n1 was away; n1 is back and still runs its old copy
        Map<String, List<ObservedService>> obs = Map.of(
                "n1", List.of(running("a", NOW.minusSeconds(60))),
                "n2", List.of(running("a", NOW.minusSeconds(5))));
        Memory m = new Memory(Map.of("a", "n2"), new DeploymentView("web", List.of()));
        Decision d = decide(spec, new ClusterSnapshot(nodes(), obs, List.of(), Map.of()), m);
        assertTrue(d.actions().contains(new DeployAction.Stop("n1", "a", "a stale copy: the service runs on n2")), d.actions().toString());
        assertTrue(d.actions().stream().noneMatch(a -> a instanceof DeployAction.Stop s && s.node().equals("n2")), "the kept copy is not touched");
        assertEquals("running", state(d, "a"));
        assertEquals("n2", d.view().services().get(0).node());
    }

    @Test
    void aChangedFileRestartsOnlyWhatChangedAndStopsWhatWasRemoved() {
        Map<String, List<ObservedService>> obs = Map.of("n1", List.of(running("a", NOW), running("b", NOW)));
        DeploymentSpec changed = yaml("""
                name: web
                services:
                  a:
                    command: ["/bin/sh", "-c", "exec sleep 100000"]
                  c:
                    command: ["/bin/sh", "-c", "exec sleep 5"]
                """);
        Decision d = decide(changed, new ClusterSnapshot(nodes(), obs, List.of(), Map.of()), Memory.empty("web"));
        assertTrue(d.actions().contains(new DeployAction.Stop("n1", "b", "service is no longer in the deployment")), d.actions().toString());
        assertTrue(d.actions().stream().anyMatch(a -> a instanceof DeployAction.Start s && s.service().id().equals("c")));
        assertTrue(d.actions().stream().noneMatch(a -> a instanceof DeployAction.Stop s && s.service().equals("a")), "a did not change");

        DeploymentSpec newCommand = yaml(YAML.replaceFirst("sleep 100000", "sleep 99"));
        Decision r = decide(newCommand, new ClusterSnapshot(nodes(), obs, List.of(), Map.of()), Memory.empty("web"));
        assertEquals(List.of(new DeployAction.Stop("n1", "a", "its definition changed")), r.actions());
    }

    @Test
    void failuresRecoverInPlaceUntilTheMigrationThresholdThenMoveAway() {
        ObservedService failedOnce = new ObservedService("web", "a", spec.service("a").orElseThrow().hash(), ObservedState.FAILED, 0, NOW, 1, false, "exited");
        Decision d = decide(spec, new ClusterSnapshot(nodes(), Map.of("n1", List.of(failedOnce, running("b", NOW))), List.of(), Map.of()),
                Memory.empty("web"));
        assertTrue(d.actions().stream().anyMatch(a -> a instanceof DeployAction.Stop s && s.service().equals("a") && s.node().equals("n1")
                && s.reason().startsWith("recover")), d.actions().toString());

        // stopped after its third failure: the default migration-threshold (3) bans n1
        ObservedService third = new ObservedService("web", "a", failedOnce.hash(), ObservedState.STOPPED, 0, NOW, 3, false, null);
        Decision e = decide(spec, new ClusterSnapshot(nodes(), Map.of("n1", List.of(third, running("b", NOW))), List.of(), Map.of()),
                Memory.empty("web"));
        assertTrue(e.actions().stream().anyMatch(a -> a instanceof DeployAction.Start s && s.service().id().equals("a") && !s.node().equals("n1")),
                e.actions().toString());
    }

    @Test
    void deletingStopsEverythingAndFinishesWhenNothingRuns() {
        Map<String, List<ObservedService>> obs = new HashMap<>(Map.of("n2", List.of(running("b", NOW))));
        Decision d = decide(spec.markDeleting(), new ClusterSnapshot(nodes(), obs, List.of(), Map.of()), Memory.empty("web"));
        assertEquals(List.of(new DeployAction.Stop("n2", "b", "deployment is being deleted")), d.actions());
        assertTrue(!d.finished());
        Decision done = decide(spec.markDeleting(), new ClusterSnapshot(nodes(), Map.of(), List.of(), Map.of()), Memory.empty("web"));
        assertTrue(done.finished());
        assertEquals("stopped", state(done, "b"));
    }

    /** Only start-before-start orders hold a start back: an order of other actions is not read as one. */
    @Test
    void anOrderOfOtherActionsDoesNotHoldAStart() {
        DeploymentSpec stopFirst = DeploymentReader.read(YAML + "constraints:\n  - {order: a, then: b, first-action: stop, then-action: start}\n",
                false, null);
        Decision d = decide(stopFirst, new ClusterSnapshot(nodes(), Map.of(), List.of(), Map.of()), Memory.empty("web"));
        assertTrue(d.actions().stream().anyMatch(x -> x instanceof DeployAction.Start s && s.service().id().equals("b")), d.actions().toString());
        assertEquals("starting", state(d, "b"));

        DeploymentSpec startFirst = DeploymentReader.read(YAML + "constraints:\n  - {order: a, then: b}\n", false, null);
        Decision held = decide(startFirst, new ClusterSnapshot(nodes(), Map.of(), List.of(), Map.of()), Memory.empty("web"));
        assertTrue(held.actions().stream().noneMatch(x -> x instanceof DeployAction.Start s && s.service().id().equals("b")),
                "b waits for a: " + held.actions());
    }

    @Test
    void aCibConfigurationSectionIsADeploymentToo() {
        DeploymentSpec cib = DeploymentReader.read("""
                <configuration>
                  <crm_config/>
                  <nodes/>
                  <resources>
                    <primitive id="rsc1" class="ocf" provider="pacemaker" type="Dummy"/>
                    <primitive id="rsc2" class="ocf" provider="heartbeat" type="apache">
                      <meta_attributes id="m"><nvpair id="m1" name="cairn-command" value="exec sleep 1000"/></meta_attributes>
                    </primitive>
                  </resources>
                  <constraints>
                    <rsc_location id="l1" rsc="rsc1" node="n3" score="100"/>
                  </constraints>
                </configuration>
                """, true, "cib");
        assertEquals(2, cib.services().size());
        Decision d = decide(cib, new ClusterSnapshot(nodes(), Map.of(), List.of(), Map.of()), Memory.empty("cib"));
        assertTrue(d.actions().contains(new DeployAction.Start("n3", cib.service("rsc1").orElseThrow(), "start")), d.actions().toString());
    }

    @Test
    void stopsFollowMandatoryOrdersInReverse() {
        DeploymentSpec ordered = yaml(YAML + "constraints:\n  - {type: order, first: a, then: b}\n").markDeleting();
        ObservedService a = new ObservedService("web", "a", ordered.service("a").orElseThrow().hash(), ObservedState.RUNNING, 42, NOW, 0, false, null);
        ObservedService b = new ObservedService("web", "b", ordered.service("b").orElseThrow().hash(), ObservedState.RUNNING, 43, NOW, 0, false, null);
        Decision first = decide(ordered, new ClusterSnapshot(nodes(), Map.of("n1", List.of(a), "n2", List.of(b)), List.of(), Map.of()),
                Memory.empty("web"));
        assertEquals(List.of(new DeployAction.Stop("n2", "b", "deployment is being deleted")), first.actions(), "b (then) stops first");
        // b's stop is in flight and b still runs: a waits
        Decision waiting = decide(ordered, new ClusterSnapshot(nodes(), Map.of("n1", List.of(a), "n2", List.of(b)),
                List.of(new PendingWork("n2", "w-1", ServiceAction.STOP, "b", NOW)), Map.of()), first.memory());
        assertEquals(List.of(), waiting.actions());
        // b reported stopped: now a
        Decision then = decide(ordered, new ClusterSnapshot(nodes(), Map.of("n1", List.of(a)), List.of(), Map.of()), waiting.memory());
        assertEquals(List.of(new DeployAction.Stop("n1", "a", "deployment is being deleted")), then.actions());

        // without the order both stop at once
        DeploymentSpec plain = spec.markDeleting();
        Decision both = decide(plain, new ClusterSnapshot(nodes(), Map.of("n1", List.of(running("a", NOW)), "n2", List.of(running("b", NOW))),
                List.of(), Map.of()), Memory.empty("web"));
        assertEquals(2, both.actions().size(), both.actions().toString());
    }

    /**
     * Pacemaker's mandatory order: if first is restarted (here: its node is lost and it starts
     * elsewhere), then is stopped and started again after it, on its node (crm_simulate gives
     * "Start a, Restart b due to required a start" for the same cluster).
     */
    @Test
    void whenFirstIsRecoveredElsewhereThenIsRestartedAfterIt() {
        DeploymentSpec ordered = yaml(YAML + "constraints:\n  - {type: order, first: a, then: b}\n");
        ObservedService a = new ObservedService("web", "a", ordered.service("a").orElseThrow().hash(), ObservedState.RUNNING, 42, NOW, 0, false, null);
        ObservedService b = new ObservedService("web", "b", ordered.service("b").orElseThrow().hash(), ObservedState.RUNNING, 43, NOW, 0, false, null);
        Map<String, List<ObservedService>> obs = Map.of("n1", List.of(a), "n2", List.of(b));
        Decision steady = decide(ordered, new ClusterSnapshot(nodes(), obs, List.of(), Map.of()), Memory.empty("web"));
        assertEquals(List.of(), steady.actions(), "nothing to do while both run");

        Decision lost = decide(ordered, new ClusterSnapshot(nodes("n1"), obs, List.of(), Map.of()), steady.memory());
        assertTrue(lost.actions().stream().anyMatch(x -> x instanceof DeployAction.Stop s && s.service().equals("b") && s.node().equals("n2")),
                "b is stopped for its restart: " + lost.actions());
        String aNode = lost.actions().stream().filter(x -> x instanceof DeployAction.Start s && s.service().id().equals("a"))
                .map(x -> ((DeployAction.Start) x).node()).findFirst().orElse(null);
        assertTrue(aNode != null && !aNode.equals("n1"), "a starts on a node that is up: " + lost.actions());
        assertEquals("stopping", state(lost, "b"));

        // b reported stopped, a started: b starts again, after a
        ObservedService aMoved = new ObservedService("web", "a", a.hash(), ObservedState.RUNNING, 44, NOW.plusSeconds(2), 0, false, null);
        Map<String, List<ObservedService>> after = new HashMap<>();
        after.put("n1", List.of(a));
        after.computeIfAbsent(aNode, k -> new ArrayList<>()).add(aMoved);
        Decision restart = decide(ordered, new ClusterSnapshot(nodes("n1"), after, List.of(), Map.of()), lost.memory());
        assertTrue(restart.actions().stream().anyMatch(x -> x instanceof DeployAction.Start s && s.service().id().equals("b")),
                "b starts again once a runs: " + restart.actions());
        assertTrue(restart.actions().stream().noneMatch(x -> x instanceof DeployAction.Start s && s.service().id().equals("a")),
                restart.actions().toString());
    }

    /** The same when first fails where it runs (recovered in place) and when its definition changes. */
    @Test
    void whenFirstFailsOrChangesThenIsRestartedToo() {
        String orderYaml = "constraints:\n  - {type: order, first: a, then: b}\n";
        DeploymentSpec ordered = yaml(YAML + orderYaml);
        ObservedService aFailed = new ObservedService("web", "a", ordered.service("a").orElseThrow().hash(), ObservedState.FAILED, 42, NOW, 1, false, null);
        ObservedService b = new ObservedService("web", "b", ordered.service("b").orElseThrow().hash(), ObservedState.RUNNING, 43, NOW, 0, false, null);
        Decision failed = decide(ordered, new ClusterSnapshot(nodes(), Map.of("n1", List.of(aFailed), "n2", List.of(b)), List.of(), Map.of()),
                Memory.empty("web"));
        assertTrue(failed.actions().stream().anyMatch(x -> x instanceof DeployAction.Stop s && s.service().equals("b")),
                "a failed: b is stopped for its restart: " + failed.actions());

        DeploymentSpec changed = yaml(YAML.replaceFirst("sleep 100000", "sleep 200000") + orderYaml); // a's command
        ObservedService aOld = new ObservedService("web", "a", ordered.service("a").orElseThrow().hash(), ObservedState.RUNNING, 42, NOW, 0, false, null);
        Decision change = decide(changed, new ClusterSnapshot(nodes(), Map.of("n1", List.of(aOld), "n2", List.of(b)), List.of(), Map.of()),
                Memory.empty("web"));
        assertTrue(change.actions().stream().anyMatch(x -> x instanceof DeployAction.Stop s && s.service().equals("b")),
                "a changed: b is stopped for its restart: " + change.actions());
    }
}
