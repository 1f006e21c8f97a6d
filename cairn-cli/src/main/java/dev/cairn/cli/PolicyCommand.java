package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.model.Cib;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code cairn policy …}: run the policy scheduler on a CIB or a deployment file, offline. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Run Cairn's policy scheduler (Pacemaker-compatible) on a cluster description, offline.",
                "Input is a Pacemaker CIB (--xml) or Cairn's deployment YAML (--yaml)."},
        subcommands = {PolicySimulateCommand.class, PolicyExplainCommand.class},
        footer = {"", "Exit codes: 0 success, 1 the operation failed, 2 bad usage or input."})
public final class PolicyCommand extends CommandGroup {
    /** Stand-alone entry point with a lean class path ({@code java -cp … dev.cairn.cli.PolicyCommand simulate …}). */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new PolicyCommand());
        Main.configure(cl);
        System.exit(cl.execute(args));
    }

    /** --xml FILE | --yaml FILE, exactly one. */
    static final class Input {
        @Option(names = "--xml", paramLabel = "FILE", description = "Pacemaker CIB XML (cibadmin --query output)")
        Path xml;

        @Option(names = "--yaml", paramLabel = "FILE", description = "Cairn deployment YAML (see docs/policy.md)")
        Path yaml;

        Cib load() {
            Path p = xml != null ? xml : yaml;
            if (!Files.isRegularFile(p)) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "no such file: " + p, "check the path");
            }
            return xml != null ? CibReader.read(xml) : DeploymentReader.simulation(yaml).cib();
        }
    }

    /** Runs {@code body} and turns a CairnException into "error:"/"hint:" lines and its exit code. */
    static int guarded(CommandSpec spec, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return body.call();
        } catch (CairnException e) {
            err.println("error: " + e.getMessage());
            if (e.hint() != null && !e.hint().isBlank()) err.println("hint: " + e.hint());
            err.flush();
            return e.code().exitCode();
        } catch (OutOfMemoryError | StackOverflowError e) {
            err.println("error: the scheduler ran out of resources: " + e);
            err.println("hint: give the JVM more memory (-Xmx) or stack (-Xss)");
            err.flush();
            return 1;
        } catch (Exception e) {
            err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.println("hint: this is a bug in cairn; please report it with the input file");
            err.flush();
            return 1;
        }
    }
}
