package dev.cairn.policy.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.policy.Plan;
import dev.cairn.policy.PolicyScheduler;
import dev.cairn.policy.Score;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.OrderDef;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DeploymentReaderTest {
    static final String YAML = """
            name: web
            defaults: {resource-stickiness: 100}
            nodes:
              node1: {labels: {rack: r1}}
              node2: {labels: {rack: r2}}
              node3: {standby: true}
            services:
              db: {command: [/bin/db], priority: 10}
              app: {command: [/bin/app], monitor: {interval: 5s}}
              cache: {command: [/bin/cache], enabled: false}
            constraints:
              - {location: db, label: {rack: r2}, score: 200}
              - {colocation: app, with: db, score: INFINITY}
              - {order: db, then: app}
            running:
              app: node1
            """;

    static Cib simulate(String yaml) {
        return DeploymentReader.simulation(yaml, "web.yaml").cib();
    }

    static DeploymentSpec apply(String yaml) {
        return DeploymentReader.read(yaml, false, null);
    }

    static CairnException refused(Executable e) {
        CairnException x = assertThrows(CairnException.class, e);
        assertTrue(x.hint() != null && !x.hint().isBlank(), "a hint: " + x.getMessage());
        assertTrue(!x.getMessage().contains("\n"), "one line: " + x.getMessage());
        return x;
    }

    static void assertContains(String text, String... parts) {
        for (String p : parts) assertTrue(text.contains(p), "'" + p + "' in: " + text);
    }

    @Test
    void convertsServicesConstraintsAndStatus() {
        Cib cib = simulate(YAML);
        assertEquals(List.of("db", "app", "cache"),
                cib.configuration().resources().stream().map(r -> r.id()).toList());
        assertEquals("10", cib.configuration().resources().get(0).meta().get("priority"));
        assertEquals("Stopped", cib.configuration().resources().get(2).meta().get("target-role"));
        assertEquals(5000, cib.configuration().resources().get(1).ops().get(0).intervalMs());
        Plan plan = PolicyScheduler.plan(cib, Instant.EPOCH);
        assertEquals("node2", plan.placements().get(0).node());
        assertEquals("node2", plan.placements().get(1).node());
        assertEquals(null, plan.placements().get(2).node());
        assertEquals(List.of("Start db (node2)", "Move app (node1 -> node2)"),
                plan.transition().stream().map(a -> a.kind().label() + " " + a.resource() + " (" + a.details() + ")").toList());
    }

    /** The YAML means what the equivalent CIB with Cairn's defaults (no fencing, quorum ignored, migration-threshold 3) means. */
    @Test
    void sameMeaningAsTheEquivalentCib() {
        Cib fromYaml = simulate(YAML);
        Cib fromXml = CibReader.parse("""
                <cib have-quorum="1" crm_feature_set="3.19.0">
                  <configuration>
                    <crm_config><cluster_property_set id="o">
                      <nvpair id="o1" name="stonith-enabled" value="false"/>
                      <nvpair id="o2" name="no-quorum-policy" value="ignore"/>
                      <nvpair id="o3" name="symmetric-cluster" value="true"/>
                    </cluster_property_set></crm_config>
                    <nodes>
                      <node id="node1" uname="node1"><instance_attributes id="a1"><nvpair id="a1r" name="rack" value="r1"/></instance_attributes></node>
                      <node id="node2" uname="node2"><instance_attributes id="a2"><nvpair id="a2r" name="rack" value="r2"/></instance_attributes></node>
                      <node id="node3" uname="node3"/>
                    </nodes>
                    <rsc_defaults><meta_attributes id="d">
                      <nvpair id="d1" name="resource-stickiness" value="100"/>
                      <nvpair id="d2" name="migration-threshold" value="3"/>
                    </meta_attributes></rsc_defaults>
                    <resources>
                      <primitive id="db" class="cairn" type="service"><meta_attributes id="m1"><nvpair id="m1p" name="priority" value="10"/></meta_attributes></primitive>
                      <primitive id="app" class="cairn" type="service"/>
                      <primitive id="cache" class="cairn" type="service"><meta_attributes id="m3"><nvpair id="m3t" name="target-role" value="Stopped"/></meta_attributes></primitive>
                    </resources>
                    <constraints>
                      <rsc_location id="l" rsc="db"><rule id="r" score="200"><expression id="e" attribute="rack" operation="eq" value="r2"/></rule></rsc_location>
                      <rsc_colocation id="c" rsc="app" with-rsc="db" score="INFINITY"/>
                      <rsc_order id="o" first="db" then="app"/>
                    </constraints>
                  </configuration>
                  <status>
                    <node_state id="node1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
                      <lrm id="node1"><lrm_resources><lrm_resource id="app" class="cairn" type="service">
                        <lrm_rsc_op id="app_start_0" operation="start" interval="0" call-id="1" rc-code="0" op-status="0" transition-key="1:1:0:x"/>
                      </lrm_resource></lrm_resources></lrm>
                    </node_state>
                    <node_state id="node2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
                    <node_state id="node3" uname="node3" in_ccm="true" crmd="online" join="member" expected="member">
                      <transient_attributes id="t3"><instance_attributes id="t3a"><nvpair id="t3s" name="standby" value="on"/></instance_attributes></transient_attributes>
                    </node_state>
                  </status>
                </cib>
                """);
        Plan a = PolicyScheduler.plan(fromYaml, Instant.EPOCH);
        Plan b = PolicyScheduler.plan(fromXml, Instant.EPOCH);
        assertEquals(b.transition(), a.transition());
        assertEquals(b.placements(), a.placements());
    }

    @Test
    void failedServiceIsRecovered() {
        Cib cib = simulate("""
                nodes: {n1: {}, n2: {}}
                services: {s: {migration-threshold: 1}}
                running: {s: {node: n1, failed: true, fail-count: 1}}
                """);
        Plan plan = PolicyScheduler.plan(cib, Instant.EPOCH);
        assertEquals("Recover", plan.transition().get(0).kind().label());
        assertEquals("n1 -> n2", plan.transition().get(0).details());
    }

    @Test
    void badInputNamesTheProblemAndItsLine() {
        CairnException e = refused(() -> simulate("""
                services: {a: {}}
                constraints: [{colocation: a, with: b}]
                """));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertContains(e.getMessage(), "web.yaml line 2: ", "unknown service 'b'");
        assertContains(refused(() -> simulate("services: [a]")).getMessage(), "line 1: ", "'services' must be a non-empty mapping");
        assertContains(refused(() -> simulate("services: {a: {}}\nfoo: 1")).getMessage(), "line 2: ", "unknown field 'foo'");
        assertContains(refused(() -> simulate("services: {a: {}}\nconstraints: [{location: a, node: n, score: lots}]")).getMessage(),
                "line 2: ", "score 'lots'");
        assertContains(refused(() -> simulate("services: {a: [}")).getMessage(), "line 1: ", "malformed YAML");
        assertContains(refused(() -> simulate("services: {a: {}}\nconstraints:\n  - {location: a, node: n, id: {x: 1}}\n")).getMessage(),
                "line 3: ", "constraint 1: 'id' must be a name");
        assertContains(refused(() -> simulate("services: {a: {}}\nconstraints:\n  - {location: a, node: n, id: l}\n  - {location: a, node: m, id: l}\n"))
                .getMessage(), "line 4: ", "constraint 2: id 'l' is used by an earlier constraint");
    }

    /** A misspelt field is an error naming it and its line, whichever command reads the file. */
    @Test
    void unknownFieldsAreRefusedWithTheirLineInBothUses() {
        String misspelt = """
                name: web
                services:
                  db:
                    comand: ["/bin/db"]
                """;
        for (Executable read : List.<Executable>of(() -> simulate(misspelt), () -> apply(misspelt))) {
            assertContains(refused(read).getMessage(), "line 4: ", "service 'db': unknown field 'comand'", "known: command,");
        }
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("servics: {a: {command: x}}\n", "line 1: |unknown field 'servics'");
        cases.put("services:\n  a:\n    command: x\n    monitor: {intervall: 1s}\n", "line 4: |monitor: unknown field 'intervall'");
        cases.put("services: {a: {command: x}, b: {command: y}}\nconstraints:\n  - {colocation: a, wiht: b}\n",
                "line 3: |constraint 1 (colocation): unknown field 'wiht'");
        cases.put("services: {a: {command: x}}\nconstraints:\n  - location: a\n    node: n1\n    scor: 10\n",
                "line 5: |constraint 1 (location): unknown field 'scor'");
        cases.put("services: {a: {command: x}, b: {command: y}}\nconstraints:\n  - {order: a, then: b, first_action: stop}\n",
                "line 3: |constraint 1 (order): unknown field 'first_action'");
        for (var c : cases.entrySet()) {
            String[] expect = c.getValue().split("\\|");
            for (Executable read : List.<Executable>of(() -> simulate("name: web\n" + c.getKey()), () -> apply("name: web\n" + c.getKey()))) {
                String m = refused(read).getMessage();
                String line = "line " + (Integer.parseInt(expect[0].replaceAll("\\D", "")) + 1) + ": ";
                assertContains(m, line, expect[1]);
            }
        }
        assertContains(refused(() -> simulate("services: {a: {}}\nnodes:\n  n1: {standbye: true}\n")).getMessage(),
                "line 3: ", "node 'n1': unknown field 'standbye'");
        assertContains(refused(() -> simulate("services: {a: {}}\nnodes: {n1: {}}\nrunning:\n  a: {node: n1, faild: true}\n")).getMessage(),
                "line 4: ", "unknown field 'faild'");
        assertContains(refused(() -> simulate("services:\n  a: {}\n  a: {}\n")).getMessage(), "line 3: ", "'a' is given twice");
    }

    @Test
    void scoresHaveOneMeaning() {
        Map<String, Integer> scores = new LinkedHashMap<>();
        scores.put("100", 100);
        scores.put("-20", -20);
        scores.put("INFINITY", Score.INFINITY);
        scores.put("+INFINITY", Score.INFINITY);
        scores.put("-INFINITY", -Score.INFINITY);
        scores.put("inf", Score.INFINITY);
        scores.put("-inf", -Score.INFINITY);
        scores.put("5000000", Score.INFINITY);
        for (var e : scores.entrySet()) {
            String yaml = "name: web\nservices: {a: {command: x, stickiness: " + e.getKey() + "}, b: {command: y}}\n"
                    + "constraints:\n  - {location: a, node: n1, score: " + e.getKey() + "}\n"
                    + "  - {colocation: b, with: a, score: " + e.getKey() + "}\n";
            for (DeploymentSpec s : List.of(apply(yaml), DeploymentReader.simulation(yaml, null).spec())) {
                assertEquals(e.getValue(), s.locations().get(0).score(), e.getKey());
                assertEquals(e.getValue(), s.colocations().get(0).score(), e.getKey());
                assertEquals(Score.format(e.getValue()), s.service("a").orElseThrow().meta().get("resource-stickiness"), e.getKey());
            }
        }
        DeploymentSpec dflt = apply("name: web\nservices: {a: {command: x}}\nconstraints: [{location: a, node: n1}]\n");
        assertEquals(Score.INFINITY, dflt.locations().get(0).score());
        for (String bad : List.of("lots", "1.5", "[1]", "infinite")) {
            assertContains(refused(() -> apply("name: web\nservices: {a: {command: x}}\nconstraints: [{location: a, node: n1, score: " + bad + "}]\n"))
                    .getMessage(), "line 3: ", "score '");
        }
    }

    @Test
    void enabledOnFailAndActionsAreRead() {
        String yaml = """
                name: web
                services:
                  db: {command: [/bin/db], on-fail: block}
                  app: {command: [/bin/app], enabled: false}
                  web: {command: [/bin/web], enabled: true, on-fail: standby}
                constraints:
                  - {order: db, then: app, symmetrical: false, first-action: stop, then-action: start}
                  - {order: db, then: web, first-action: stop}
                """;
        for (DeploymentSpec s : List.of(apply(yaml), DeploymentReader.simulation(yaml, null).spec())) {
            assertEquals(OnFail.BLOCK, s.service("db").orElseThrow().onFail());
            assertEquals("Stopped", s.service("app").orElseThrow().meta().get("target-role"));
            assertNull(s.service("app").orElseThrow().onFail());
            assertNull(s.service("web").orElseThrow().meta().get("target-role"));
            assertEquals(OnFail.STANDBY, s.service("web").orElseThrow().onFail());
            assertEquals(new OrderDef("order-1", "db", "stop", "app", "start", true, false), s.orders().get(0));
            assertEquals(new OrderDef("order-2", "db", "stop", "web", "stop", true, true), s.orders().get(1), "then-action defaults to first-action");
        }
        Cib cib = DeploymentReader.simulation(yaml, null).cib();
        assertEquals(Map.of("on-fail", "block"), cib.configuration().resources().get(0).ops().get(0).meta());
        assertEquals(Map.of(), cib.configuration().resources().get(1).ops().get(0).meta());

        assertContains(refused(() -> apply("name: web\nservices: {a: {command: x, on-fail: explode}}\n")).getMessage(),
                "line 2: ", "on-fail 'explode' is not one of ignore, block, stop, restart, standby");
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {command: x, enabled: false, target-role: Started}\n")).getMessage(),
                "line 3: ", "both 'enabled' and 'target-role'");
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {command: x, enabled: maybe}\n")).getMessage(),
                "line 3: ", "'enabled' must be true or false");
        assertContains(refused(() -> apply("name: web\nservices: {a: {command: x}, b: {command: y}}\nconstraints:\n  - {order: a, then: b, then-action: promote}\n"))
                .getMessage(), "line 4: ", "action 'promote' must be start or stop");
    }

    @Test
    void selfColocationIsRefusedInBothUses() {
        String yaml = "name: web\nservices: {a: {command: x}}\nconstraints:\n  - {colocation: a, with: a, score: 100}\n";
        for (Executable read : List.<Executable>of(() -> apply(yaml), () -> simulate(yaml))) {
            assertContains(refused(read).getMessage(), "line 4: ", "colocates 'a' with itself");
        }
    }

    @Test
    void durationsAndMonitors() {
        DeploymentSpec s = apply("""
                name: web
                services:
                  a: {command: x, monitor: {interval: 500ms, timeout: 2s}}
                  b: {command: x, monitor: {interval: 1m, timeout: 1h}}
                  c: {command: x, monitor: {interval: 1500}}
                  d: {command: x, monitor: {type: http, url: "http://127.0.0.1:8080/health"}}
                  e: {command: x, monitor: {port: 11211}}
                  f: {command: x, monitor: {command: ./check}}
                  g: {command: x}
                """);
        assertEquals(new MonitorDef("process", 500, 2_000, List.of(), null, null, 0), s.service("a").orElseThrow().monitor());
        assertEquals(60_000, s.service("b").orElseThrow().monitor().intervalMs());
        assertEquals(3_600_000, s.service("b").orElseThrow().monitor().timeoutMs());
        assertEquals(1_500, s.service("c").orElseThrow().monitor().intervalMs(), "a bare number is milliseconds");
        assertEquals("http", s.service("d").orElseThrow().monitor().type());
        assertEquals(new MonitorDef("tcp", 1_000, 2_000, List.of(), null, null, 11211), s.service("e").orElseThrow().monitor());
        assertEquals(List.of("/bin/sh", "-c", "./check"), s.service("f").orElseThrow().monitor().command());
        assertEquals(MonitorDef.PROCESS, s.service("g").orElseThrow().monitor());
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {command: x, monitor: {interval: soon}}\n")).getMessage(),
                "line 3: ", "monitor interval 'soon' is not a duration");
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {command: x, monitor: {interval: 0s}}\n")).getMessage(),
                "line 3: ", "must be longer than 0");
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {command: x, monitor: {type: tcp, port: 70000}}\n")).getMessage(),
                "line 3: ", "port '70000'");
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {command: x, monitor: {type: http}}\n")).getMessage(),
                "line 3: ", "needs an http(s) 'url'");
    }

    @Test
    void applyNeedsANameAndCommandsAndRefusesTheClusterSections() {
        assertContains(refused(() -> apply("services: {a: {command: x}}\n")).getMessage(), "line 1: ", "needs a 'name'");
        assertContains(refused(() -> apply("name: web\nservices:\n  a: {env: {A: b}}\n")).getMessage(),
                "line 3: ", "service 'a' needs a 'command'");
        assertContains(refused(() -> apply("name: Web\nservices: {a: {command: x}}\n")).getMessage(),
                "line 1: ", "deployment name 'Web' is not allowed");
        CairnException nodes = refused(() -> apply("name: web\nservices: {a: {command: x}}\nnodes:\n  n1: {}\n"));
        assertContains(nodes.getMessage(), "line 3: ", "'nodes' describes a cluster for 'cairn policy simulate'");
        assertContains(nodes.hint(), "remove 'nodes' and 'running'");
        assertContains(refused(() -> apply("name: web\nservices: {a: {command: x}}\nrunning: {}\n")).getMessage(), "line 3: ", "'running'");
        // simulation needs neither a name nor commands
        DeploymentFile f = DeploymentReader.simulation("services: {a: {}, b: }\nnodes: {n1: {score: 10}, n2: {online: false}}\n", null);
        assertNull(f.spec().name());
        assertEquals(List.of(), f.spec().service("a").orElseThrow().command());
        assertEquals(List.of(new DeploymentCib.Node("n1", Map.of(), 10, false, true), new DeploymentCib.Node("n2", Map.of(), 0, false, false)),
                f.nodes());
    }

    @Test
    void aCibConfigurationKeepsItsMonitorOnFail() {
        DeploymentSpec s = DeploymentReader.read("""
                <configuration>
                  <resources>
                    <primitive id="r1" class="ocf" provider="pacemaker" type="Dummy">
                      <operations><op id="r1-mon" name="monitor" interval="10s" on-fail="block"/></operations>
                    </primitive>
                    <primitive id="r2" class="ocf" provider="pacemaker" type="Dummy">
                      <operations><op id="r2-mon" name="monitor" interval="10s" on-fail="fence"/></operations>
                    </primitive>
                    <primitive id="r3" class="ocf" provider="pacemaker" type="Dummy"/>
                  </resources>
                </configuration>
                """, true, "cib");
        assertEquals(OnFail.BLOCK, s.service("r1").orElseThrow().onFail());
        assertEquals(OnFail.STOP, s.service("r2").orElseThrow().onFail(), "Cairn never fences: fence is stop");
        assertNull(s.service("r3").orElseThrow().onFail());
        assertEquals(MonitorDef.PROCESS, s.service("r1").orElseThrow().monitor());
    }

    /**
     * A deployment stored before this reader existed (bytes written by the previous controller for
     * the file below) still decodes to the same deployment, with the same hashes: a controller with
     * this reader neither restarts its services nor sees a different definition in it.
     */
    @Test
    void aStoredDeploymentFromBeforeStillDecodes() throws IOException {
        byte[] stored;
        try (InputStream in = getClass().getResourceAsStream("/deployment/stored-before.json")) {
            stored = in.readAllBytes();
        }
        DeploymentSpec old = Json.read(stored, DeploymentSpec.class);
        // hashes the previous controller computed for these services
        assertEquals(List.of("e6d133042dbafcfd", "fb2fa81312ed63e3", "2225f57838aaf484"),
                old.services().stream().map(ServiceDef::hash).toList());
        DeploymentSpec again = apply("""
                name: web
                services:
                  hello:
                    command: ["/bin/sh", "-c", "exec sleep 100000"]
                    env: {GREETING: hi, A: b}
                    monitor: {interval: 1s, timeout: 2s}
                    migration-threshold: 3
                    stickiness: 100
                    target-role: Started
                  api:
                    command: "exec ./api --port 8080"
                    monitor: {type: http, url: "http://127.0.0.1:8080/health", interval: 2s, timeout: 1s}
                  cache:
                    command: ["/usr/bin/memcached", "-p", "11211"]
                    monitor: {type: tcp, port: 11211}
                constraints:
                  - {type: location, service: api, node: node-1, score: 100}
                  - {type: location, service: cache, label: {zone: a}, score: INFINITY}
                  - {type: colocation, service: api, with: cache, score: INFINITY}
                  - {type: order, first: cache, then: api}
                options: {symmetric-cluster: "true"}
                defaults: {resource-stickiness: "200"}
                """);
        assertEquals(old, again);
        assertEquals(old, Json.read(Json.bytes(old), DeploymentSpec.class));
        // no new field appears for a service that sets no on-fail, and maps are written in key order
        String json = Json.string(again);
        assertTrue(!json.contains("onFail"), json);
        assertContains(json, "\"env\":{\"A\":\"b\",\"GREETING\":\"hi\"}",
                "\"meta\":{\"migration-threshold\":\"3\",\"resource-stickiness\":\"100\",\"target-role\":\"Started\"}");
        DeploymentSpec withOnFail = apply("name: web\nservices: {a: {command: x, on-fail: ignore}}\n");
        assertContains(Json.string(withOnFail), "\"onFail\":\"ignore\"");
        assertEquals(withOnFail, Json.read(Json.bytes(withOnFail), DeploymentSpec.class));
    }
}
