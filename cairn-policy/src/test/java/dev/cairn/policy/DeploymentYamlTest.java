package dev.cairn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.yaml.DeploymentYaml;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentYamlTest {
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

    @Test
    void convertsServicesConstraintsAndStatus() {
        Cib cib = DeploymentYaml.parse(YAML, "web.yaml");
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

    @Test
    void sameMeaningAsTheEquivalentCib() {
        Cib fromYaml = DeploymentYaml.parse(YAML, "web.yaml");
        Cib fromXml = CibReader.parse("""
                <cib have-quorum="1" crm_feature_set="3.0.14">
                  <configuration>
                    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
                    <nodes>
                      <node id="node1" uname="node1"><instance_attributes id="a1"><nvpair id="a1r" name="rack" value="r1"/></instance_attributes></node>
                      <node id="node2" uname="node2"><instance_attributes id="a2"><nvpair id="a2r" name="rack" value="r2"/></instance_attributes></node>
                      <node id="node3" uname="node3"/>
                    </nodes>
                    <rsc_defaults><meta_attributes id="d"><nvpair id="d1" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>
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
        Cib cib = DeploymentYaml.parse("""
                nodes: {n1: {}, n2: {}}
                services: {s: {migration-threshold: 1}}
                running: {s: {node: n1, failed: true, fail-count: 1}}
                """, "f.yaml");
        Plan plan = PolicyScheduler.plan(cib, Instant.EPOCH);
        assertEquals("Recover", plan.transition().get(0).kind().label());
        assertEquals("n1 -> n2", plan.transition().get(0).details());
    }

    @Test
    void badInputNamesTheProblem() {
        CairnException e = assertThrows(CairnException.class, () -> DeploymentYaml.parse("""
                services: {a: {}}
                constraints: [{colocation: a, with: b}]
                """, "x.yaml"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("unknown service 'b'"), e.getMessage());
        assertTrue(assertThrows(CairnException.class, () -> DeploymentYaml.parse("services: [a]", "x.yaml"))
                .getMessage().contains("'services' must be a non-empty mapping"));
        assertTrue(assertThrows(CairnException.class, () -> DeploymentYaml.parse("services: {a: {}}\nfoo: 1", "x.yaml"))
                .getMessage().contains("unknown top-level key 'foo'"));
        assertTrue(assertThrows(CairnException.class, () -> DeploymentYaml.parse(
                "services: {a: {}}\nconstraints: [{location: a, node: n, score: lots}]", "x.yaml"))
                .getMessage().contains("score 'lots'"));
        assertTrue(assertThrows(CairnException.class, () -> DeploymentYaml.parse("services: {a: [}", "x.yaml"))
                .getMessage().contains("malformed YAML"));
    }
}
