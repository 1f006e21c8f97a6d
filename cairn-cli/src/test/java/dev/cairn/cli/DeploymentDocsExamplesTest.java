package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.ObservedState;
import dev.cairn.controller.deploy.plan.CibBuilder;
import dev.cairn.controller.deploy.plan.ClusterSnapshot;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.policy.PolicyScheduler;
import dev.cairn.policy.Simulation;
import dev.cairn.policy.deployment.DeploymentCib;
import dev.cairn.policy.deployment.DeploymentFile;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.policy.output.SimulateFormatter;
import dev.cairn.testkit.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every YAML example in docs/policy.md and docs/deployments.md, taken from the docs as they are,
 * means the same to {@code cairn policy simulate --yaml} as to a live deployment: the file's
 * deployment read the way {@code cairn deployment apply} reads it, on the same nodes with the same
 * copies reported, through the controller's {@link CibBuilder}, gives the same transition and the
 * same placement, printed the same way.
 */
class DeploymentDocsExamplesTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    /** The cluster for an example that describes none: three nodes with the labels the docs use. */
    private static final String NODES = """
            nodes:
              node-1: {labels: {zone: a, rack: r1}}
              node-2: {labels: {zone: b, rack: r2}}
              node-3: {labels: {zone: a, rack: r2}}
            """;

    @TempDir
    Path tmp;

    record Example(String doc, int index, String yaml) {}

    static List<Example> examples() throws IOException {
        List<Example> out = new ArrayList<>();
        for (String doc : List.of("docs/policy.md", "docs/deployments.md")) {
            String text = Files.readString(TestData.repoRoot().resolve(doc));
            Matcher m = YAML_BLOCK.matcher(text);
            int before = out.size();
            while (m.find()) out.add(new Example(doc, out.size() - before + 1, m.group(1)));
            assertTrue(out.size() > before, doc + " has a ```yaml example");
        }
        return out;
    }

    @Test
    void everyDocumentedExampleGivesTheSamePlacementBothWays() throws IOException {
        for (Example ex : examples()) {
            String what = ex.doc() + " example " + ex.index();
            ObjectNode tree = (ObjectNode) Json.YAML.readTree(ex.yaml());
            boolean describesCluster = tree.has("nodes") || tree.has("running");
            String simulated = tree.has("nodes") ? ex.yaml() : ex.yaml() + NODES;

            // cairn policy simulate --yaml, on the file
            Path file = Files.writeString(tmp.resolve("example-" + ex.index() + ".yaml"), simulated);
            String cli = simulate(file, what);

            // cairn deployment apply refuses the cluster sections; without them it reads the deployment
            if (describesCluster) {
                CairnException refused = assertThrows(CairnException.class, () -> DeploymentReader.read(ex.yaml(), false, null), what);
                assertTrue(refused.getMessage().contains("cairn policy simulate"), what + ": " + refused.getMessage());
            }
            tree.remove("nodes");
            tree.remove("running");
            DeploymentSpec applied = DeploymentReader.read(Json.YAML.writeValueAsString(tree), false, null);

            // the controller's path: the same nodes and reported copies, as agents would report them
            DeploymentFile cluster = DeploymentReader.simulation(simulated, file.toString());
            assertEquals(cluster.spec(), applied, what + ": both commands read the same deployment");
            String live = SimulateFormatter.format(
                    PolicyScheduler.simulate(CibBuilder.build(applied, snapshot(applied, cluster), Set.of()), Instant.now(), false), false);

            assertEquals(cli, live, what);
            String revised = live.substring(live.indexOf("Revised Cluster Status:"));
            assertTrue(revised.contains("Started "), what + " places something (not a vacuous comparison):\n" + live);
        }
    }

    /**
     * The file's cluster as the controller sees it. Cairn's nodes have no base score (the docs give
     * one in an example for simulation only); a copy is reported running or failed with its fail count.
     */
    static ClusterSnapshot snapshot(DeploymentSpec spec, DeploymentFile cluster) {
        List<ClusterSnapshot.NodeStatus> nodes = new ArrayList<>();
        for (DeploymentCib.Node n : cluster.nodes()) nodes.add(new ClusterSnapshot.NodeStatus(n.name(), n.up(), n.standby(), n.labels()));
        Map<String, List<ObservedService>> observed = new LinkedHashMap<>();
        for (DeploymentCib.Copy c : cluster.running()) {
            ObservedState state = c.state() == DeploymentCib.CopyState.FAILED ? ObservedState.FAILED : ObservedState.RUNNING;
            observed.computeIfAbsent(c.node(), k -> new ArrayList<>()).add(new ObservedService(spec.name(), c.service(),
                    spec.service(c.service()).orElseThrow().hash(), state, 4242, Instant.EPOCH, c.failCount(), false, null));
        }
        return new ClusterSnapshot(nodes, observed, List.of(), Map.of());
    }

    static String simulate(Path file, String what) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new PolicyCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("simulate", "--yaml", file.toString()), what + ": " + err);
        assertFalse(out.toString().isBlank(), what);
        return out.toString();
    }

    /** The comparison is worth something: a cluster the two paths did not share would change the placement. */
    @Test
    void theComparisonSeesADifferentCluster() throws IOException {
        Example ex = examples().get(0);
        assertTrue(ex.yaml().contains("running:"), "docs/policy.md's example reports copies");
        ObjectNode tree = (ObjectNode) Json.YAML.readTree(ex.yaml());
        Path file = Files.writeString(tmp.resolve("policy.yaml"), ex.yaml());
        String cli = simulate(file, "docs/policy.md example");
        tree.remove("nodes");
        tree.remove("running");
        DeploymentSpec applied = DeploymentReader.read(Json.YAML.writeValueAsString(tree), false, null);
        DeploymentFile cluster = DeploymentReader.simulation(ex.yaml(), null);
        ClusterSnapshot nothingReported = new ClusterSnapshot(snapshot(applied, cluster).nodes(), Map.of(), List.of(), Map.of());
        Simulation sim = PolicyScheduler.simulate(CibBuilder.build(applied, nothingReported, Set.of()), Instant.now(), false);
        assertFalse(cli.equals(SimulateFormatter.format(sim, false)), "without the reported copies the output differs");
    }
}
