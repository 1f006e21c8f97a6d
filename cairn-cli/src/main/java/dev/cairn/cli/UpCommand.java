package dev.cairn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run a whole cluster here: embedded ZooKeeper, a controller, N agents.",
                "",
                "Runs in the foreground: an embedded ZooKeeper (data under --data), a controller",
                "on 127.0.0.1:--port and N in-process agents named node-1..node-N.",
                "Ctrl-C stops it cleanly; running it again on the same --data keeps all state."})
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--agents", defaultValue = "1", description = "In-process agents to run (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--port", defaultValue = "7070", description = "Controller HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = ".cairn", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @CommandLine.Mixin
    EventFlags eventFlags;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (agents < 0 || agents > 1000) {
            throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.INVALID_INPUT,
                    "--agents " + agents + " is out of range", "use 0 to 1000");
        }
        if (port < 0 || port > 65535) {
            throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.INVALID_INPUT, "--port " + port + " is not a TCP port",
                    "use 1 to 65535 (0 picks a free port)");
        }
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedCluster cluster = EmbeddedCluster.start(data, port, agents, eventFlags.options());
        out.printf("cairn is up: controller %s, %d agent(s), data %s%n", cluster.url(), agents, cluster.dataDir());
        out.printf("try: CAIRN_URL=%s ./cairn node list%n", cluster.url());
        out.flush();
        Foreground.runUntilSignalled("the embedded cluster", cluster);
        return 0;
    }
}
