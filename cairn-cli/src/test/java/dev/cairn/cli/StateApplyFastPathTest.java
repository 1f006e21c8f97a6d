package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli-free start of {@code cairn state apply --local} reads arguments exactly as picocli does, or not at all. */
class StateApplyFastPathTest {
    @TempDir
    Path tmp;

    /** What picocli makes of the same arguments (through the real cairn command tree). */
    private static StateApplyCommand picocli(String... args) {
        CommandLine.ParseResult pr = Main.commandLine().parseArgs(args);
        CommandLine.ParseResult apply = pr.subcommand().subcommand();
        return (StateApplyCommand) apply.commandSpec().userObject();
    }

    private static List<Object> fields(StateApplyCommand c) {
        return Arrays.asList(c.source, c.local, c.target, c.mode, c.test, c.json, c.failhard, c.parallelism,
                c.stateDir, c.modulesDir, c.trustedKeys);
    }

    @Test
    void acceptedArgumentsGiveTheSameCommandAsPicocli() {
        List<String[]> cases = List.of(
                new String[] {"state", "apply", "site.sls", "--local"},
                new String[] {"state", "apply", "--local", "site.sls"},
                new String[] {"state", "apply", "/srv/salt", "--local", "--mode", "justdoit", "--json", "--test", "--failhard"},
                new String[] {"state", "apply", "x.sls", "--local", "--mode=genius", "--parallelism", "8"},
                new String[] {"state", "apply", "x.sls", "--local", "--parallelism=0", "--state-dir", "/tmp/s",
                        "--modules=/tmp/m", "--trusted-keys", "/tmp/k.pub"},
                new String[] {"state", "apply", "git+https://example.com/r.git#main:site", "--local", "--mode", "fast"});
        for (String[] args : cases) {
            StateApplyCommand fast = StateApplyFastPath.parse(args);
            assertNotNull(fast, String.join(" ", args));
            assertEquals(fields(picocli(args)), fields(fast), String.join(" ", args));
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        List<String[]> cases = List.of(
                new String[] {"state", "apply", "x.sls"},                                  // no --local: picocli's error
                new String[] {"state", "apply", "x.sls", "--local", "--target", "n-*"},   // picocli's error
                new String[] {"state", "apply", "--help", "--local", "x.sls"},
                new String[] {"state", "apply", "x.sls", "--local", "--local"},           // repeated option
                new String[] {"state", "apply", "x.sls", "--local", "--mode"},            // missing value
                new String[] {"state", "apply", "x.sls", "--local", "--mode", "--json"},  // value looks like an option
                new String[] {"state", "apply", "x.sls", "--local", "--parallelism", "-1"},
                new String[] {"state", "apply", "x.sls", "--local", "--parallelism", "010"},
                new String[] {"state", "apply", "x.sls", "--local", "--parallelism", "many"},
                new String[] {"state", "apply", "x.sls", "y.sls", "--local"},             // two sources
                new String[] {"state", "apply", "@args.txt", "--local"},                  // picocli's @file expansion
                new String[] {"state", "apply", "x.sls", "--local", "--", "y"},
                new String[] {"state", "apply", "x.sls", "--local=true"},
                new String[] {"state", "apply", "x.sls", "--local", "-h"},
                new String[] {"state", "apply", "x.sls", "--local", "--url", "http://h:1"},
                new String[] {"state", "runs", "--local", "x"},
                new String[] {"--version"},
                new String[] {});
        for (String[] args : cases) assertNull(StateApplyFastPath.parse(args), String.join(" ", args));
    }

    @Test
    void anApplyPrintsWhatThePicocliPathPrints() throws Exception {
        Path sls = tmp.resolve("run.sls");
        Files.writeString(sls, """
                good: {test.succeed_without_changes: []}
                file: {file.managed: [{name: %s/out.txt}, {contents: hi}]}
                bad: {test.fail_without_changes: []}
                """.formatted(tmp));
        String[] args = {"state", "apply", sls.toString(), "--local", "--state-dir", tmp.resolve("state").toString()};

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Integer code = StateApplyFastPath.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Files.delete(tmp.resolve("out.txt"));

        StringWriter pOut = new StringWriter();
        StringWriter pErr = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(pOut));
        cl.setErr(new PrintWriter(pErr));
        int pCode = cl.execute(args);

        assertEquals(1, pCode, pErr.toString());
        assertEquals(pCode, code);
        String fastOut = out.toString(StandardCharsets.UTF_8);
        assertTrue(fastOut.contains("CHANGED file.managed"), fastOut);
        assertEquals(withoutTiming(pOut.toString()), withoutTiming(fastOut));
        assertEquals(pErr.toString(), err.toString(StandardCharsets.UTF_8));
        assertEquals("hi\n", Files.readString(tmp.resolve("out.txt")));
    }

    private static String withoutTiming(String s) {
        return s.replaceAll(", [0-9.]+s\\n", ", Ts\n");
    }
}
