package dev.cairn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.gen.ClusterGenerator;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.Configuration;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same cluster with nodes, constraints and node states in any order gives the same plan
 * (resource order is kept: it is Pacemaker's tie-break among equal priorities). Also checks
 * convergence bounds: planning twice gives the same answer.
 */
class DeterminismTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
    void planDoesNotDependOnElementOrder(long seed) {
        Cib cib = CibReader.parse(ClusterGenerator.generate(seed, new ClusterGenerator.Shape(6, 14, 1.2, true)));
        Plan reference = PolicyScheduler.plan(cib, Instant.EPOCH);
        assertEquals(reference, PolicyScheduler.plan(cib, Instant.EPOCH), "seed " + seed + ": not repeatable");
        Random rnd = new Random(seed);
        for (int round = 0; round < 5; round++) {
            Cib shuffled = shuffle(cib, rnd);
            assertEquals(reference, PolicyScheduler.plan(shuffled, Instant.EPOCH),
                    "seed " + seed + " shuffle round " + round + ": plan changed with element order");
        }
    }

    static Cib shuffle(Cib cib, Random rnd) {
        Configuration c = cib.configuration();
        Configuration conf = new Configuration(c.clusterOptions(), c.resourceDefaults(), c.operationDefaults(),
                shuffled(c.nodes(), rnd), c.resources(), shuffled(c.locations(), rnd),
                shuffled(c.colocations(), rnd), shuffled(c.orders(), rnd));
        List<NodeState> states = new ArrayList<>();
        for (NodeState s : cib.status().nodeStates()) {
            states.add(new NodeState(s.id(), s.uname(), s.inCcm(), s.crmd(), s.join(), s.expected(), s.attributes(),
                    shuffled(s.resources(), rnd)));
        }
        Status st = cib.status();
        return new Cib(conf, new Status(st.haveQuorum(), st.dcUuid(), st.crmFeatureSet(), shuffled(states, rnd)));
    }

    static <T> List<T> shuffled(List<T> in, Random rnd) {
        List<T> out = new ArrayList<>(in);
        Collections.shuffle(out, rnd);
        return out;
    }
}
