package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PolicyCommandTest {
    record Result(int code, String out, String err) {}

    static Path cases() {
        return dev.cairn.testkit.TestData.pacemaker();
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new PolicyCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void simulatePrintsCrmSimulateSections() throws IOException {
        Path xml = cases().resolve("xml/rsc_dep4.xml");
        Result r = run("simulate", "--xml", xml.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Current cluster status:"), r.out());
        String expected = Files.readString(cases().resolve("summary/rsc_dep4.summary"));
        String ts = expected.substring(expected.indexOf("Transition Summary:"), expected.indexOf("Executing Cluster Transition:")).strip();
        assertTrue(r.out().contains(ts), r.out());
        assertTrue(r.out().contains("Revised Cluster Status:"));
        assertEquals("", r.err());
    }

    @Test
    void showScoresPrintsAllocationScores() {
        Result r = run("simulate", "--xml", cases().resolve("xml/rsc_dep4.xml").toString(), "--show-scores");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pcmk__primitive_assign: rsc1 allocation score on node2: -INFINITY"), r.out());
        assertTrue(r.out().contains("pcmk__primitive_assign: rsc3 allocation score on node2: 0"), r.out());
    }

    @Test
    void explainSaysWhereAndWhy() {
        Result r = run("explain", "--xml", cases().resolve("xml/rsc_dep4.xml").toString(), "rsc3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("placed:   node2"), r.out());
        assertTrue(r.out().contains("action:   Start rsc3 (node2)"), r.out());
        assertTrue(r.out().contains("node1: -INFINITY"), r.out());
        assertTrue(r.out().contains("colocation same_3_4 with rsc4"), r.out());
        Result j = run("explain", "--xml", cases().resolve("xml/mon-rsc-2.xml").toString(), "rsc1", "--json");
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().contains("\"assignedNode\" : \"node1\""), j.out());
        assertTrue(j.out().contains("node is in standby"), j.out());
    }

    @Test
    void yamlInput(@TempDir Path dir) throws IOException {
        Path y = dir.resolve("d.yaml");
        Files.writeString(y, """
                nodes: {n1: {}, n2: {}}
                services: {a: {}, b: {}}
                constraints: [{colocation: b, with: a, score: -INFINITY}]
                """);
        Result r = run("simulate", "--yaml", y.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Start      a"), r.out());
        assertTrue(r.out().contains("Start      b"), r.out());
    }

    @Test
    void misspeltFieldIsExitTwoNamingItAndItsLine(@TempDir Path dir) throws IOException {
        Path y = dir.resolve("d.yaml");
        Files.writeString(y, """
                nodes: {n1: {}}
                services:
                  a:
                    comand: ["/bin/a"]
                """);
        Result r = run("simulate", "--yaml", y.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + y + " line 4: service 'a': unknown field 'comand'"), r.err());
        assertTrue(r.err().contains("\nhint: "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badInputIsExitTwoWithErrorAndHint(@TempDir Path dir) throws IOException {
        Result missing = run("simulate", "--xml", dir.resolve("nope.xml").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: no such file"), missing.err());
        assertTrue(missing.err().contains("hint: "), missing.err());

        Path clone = dir.resolve("clone.xml");
        Files.writeString(clone, """
                <cib>
                  <configuration>
                    <resources>
                      <clone id="c"><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone>
                    </resources>
                  </configuration>
                </cib>
                """);
        Result refused = run("simulate", "--xml", clone.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("<clone id=\"c\">") && refused.err().contains("line 4"), refused.err());
        assertTrue(refused.err().contains("hint: "), refused.err());
        assertFalse(refused.err().contains("Exception"), refused.err());

        Result unknown = run("explain", "--xml", cases().resolve("xml/simple1.xml").toString(), "nosuch");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("error: no resource named 'nosuch'"), unknown.err());
        assertTrue(unknown.err().contains("hint: resources in this file: rsc1"), unknown.err());

        Result both = run("simulate", "--xml", "a", "--yaml", "b");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }
}
