package dev.cairn.cli;

import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerAssembly;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.storezk.ZkCoordinationStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Run a controller against an external ZooKeeper ensemble.",
                "",
                "Runs in the foreground.",
                "Run two or three behind a load balancer: one is leader, all serve the API."})
public final class ControllerCommand implements Callable<Integer> {
    @Option(names = "--zk", required = true, paramLabel = "CONNECT_STRING", description = "ZooKeeper connect string, e.g. zk1:2181,zk2:2181,zk3:2181.")
    String zk;

    @Option(names = "--port", defaultValue = "7070", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--id", description = "Controller id (default: host-port).")
    String id;

    @Option(names = "--data", defaultValue = ".cairn-controller", description = "Local data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--storage", paramLabel = "URI", description = {"Package storage: file:///PATH (a shared mount) or",
            "s3://BUCKET[/prefix]?endpoint=URL&region=R (credentials from the usual chain or accessKey/secretKey).",
            "Default: <data>/storage."})
    String storage;

    @Option(names = "--shared", paramLabel = "PATH", description = {"The cluster's shared filesystem mount (instance stages and homes).",
            "Default: <data>/shared."})
    Path shared;

    @Option(names = "--heartbeat-timeout", defaultValue = "2s", description = "A node is down after this long without a heartbeat (default: ${DEFAULT-VALUE}).")
    String heartbeatTimeout;

    @Option(names = "--zk-session-timeout", defaultValue = "10s", description = "ZooKeeper session timeout: how fast a dead controller's leadership is released (default: ${DEFAULT-VALUE}).")
    String sessionTimeout;

    @Option(names = "--zk-connect-timeout", defaultValue = "15s", description = "How long to wait for ZooKeeper at start-up (default: ${DEFAULT-VALUE}).")
    String connectTimeout;

    @Option(names = "--advertise-url", paramLabel = "URL", description = {"How other machines reach this controller, or a load",
            "balancer in front of all controllers: the stored resource.json of --with-assets installs points there",
            "(default: http://HOST:PORT, this machine's name when --host is 0.0.0.0)."})
    String advertiseUrl;

    @CommandLine.Mixin
    EventFlags eventFlags;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        String cid = id != null ? id : (host + "-" + port).replace(':', '_');
        Duration hbTimeout = Durations.parse("--heartbeat-timeout", heartbeatTimeout);
        String advertise = advertiseUrl == null ? null : ControllerAssembly.advertiseUrl(advertiseUrl);
        ClusterPaths paths = new ClusterPaths(data.toAbsolutePath(), storage, shared == null ? null : shared.toAbsolutePath());
        ZkCoordinationStore store = ZkCoordinationStore.connect(zk, Durations.parse("--zk-session-timeout", sessionTimeout),
                Durations.parse("--zk-connect-timeout", connectTimeout));
        Controller controller;
        try {
            ControllerConfig config = new ControllerConfig(cid, host, port, hbTimeout, eventFlags.options(), advertise);
            controller = ControllerAssembly.assemble(config, store, paths.openStorage(), paths.shared()).controller().start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("controller %s serving %s (ZooKeeper %s)%n", cid, controller.url(), zk);
        out.flush();
        Foreground.runUntilSignalled("controller " + cid, controller, store);
        return 0;
    }
}
