package dev.cairn.cli;

import dev.cairn.core.CairnException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command. */
@Command(name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = {"Cairn: publish packages, install instances, apply states and keep services running.",
                "",
                "The CLI talks to a controller at $CAIRN_URL (default http://127.0.0.1:7070).",
                "Start a whole cluster on this machine with 'cairn up'."},
        subcommands = {
                UpCommand.class,
                ControllerCommand.class,
                AgentCommand.class,
                StatusCommand.class,
                NodeCommand.class,
                RepoCommand.class,
                PackageCommand.class,
                InstanceCommand.class,
                RoleCommand.class,
                StateCommand.class,
                PolicyCommand.class,
                ModuleCommand.class,
                DeploymentCommand.class,
                ServiceCommand.class,
                EventsCommand.class,
                CommandLine.HelpCommand.class,
        },
        footer = {"", "Exit codes: 0 success, 1 the operation failed, 2 bad usage or input."})
public final class Main extends CommandGroup {
    static {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.curator", "error");
    }

    public static void main(String[] args) {
        Integer fast = StateApplyFastPath.run(args); // a local state apply starts without picocli's model
        System.exit(fast != null ? fast : execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        configure(cl);
        return cl;
    }

    /** Errors as one line plus a hint, exit codes from the error code; used for every subcommand. */
    public static void configure(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof CairnException ce) {
                err.println("error: " + ce.getMessage());
                if (ce.hint() != null && !ce.hint().isBlank()) err.println("hint: " + ce.hint());
                err.flush();
                return ce.code().exitCode();
            }
            err.println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            err.println("hint: this is a bug in cairn; please report it with the command you ran");
            if (System.getenv("CAIRN_DEBUG") != null) ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("error: " + ex.getMessage());
            err.println("hint: see '" + c.getCommandSpec().qualifiedName() + " --help'");
            err.flush();
            return 2;
        });
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cairn " + dev.cairn.controller.Version.VERSION + " (Java " + Runtime.version() + ")"};
        }
    }
}
