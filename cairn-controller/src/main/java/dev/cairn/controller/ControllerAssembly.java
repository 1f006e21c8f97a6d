package dev.cairn.controller;

import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.controller.instances.InstancesSubsystem;
import dev.cairn.controller.modules.ModulesSubsystem;
import dev.cairn.controller.packages.PackagesSubsystem;
import dev.cairn.controller.staterun.StateRunsSubsystem;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.store.CoordinationStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The composition root: a controller with every subsystem, in dependency order. The only place
 * that knows them all; both {@code cairn up} and {@code cairn controller} call {@link #assemble}
 * with the adapters their flags chose (the coordination store, package storage). Adding a
 * subsystem is one class and one line here.
 */
public final class ControllerAssembly {
    private ControllerAssembly() {}

    /** A controller and its subsystems, not started yet. */
    public record Assembled(Controller controller, PackagesSubsystem packages, DeploymentsSubsystem deployments, ModulesSubsystem modules,
                            StateRunsSubsystem stateRuns, InstancesSubsystem instances) {}

    /**
     * @param storage    package storage (filesystem or S3)
     * @param sharedRoot the cluster's shared filesystem (instance stages and homes)
     */
    public static Assembled assemble(ControllerConfig config, CoordinationStore store, PackageStorage storage, Path sharedRoot) {
        Controller c = new Controller(config, store, Clock.systemUTC());
        ControllerContext ctx = c.context();
        // the events, nodes and work channel subsystems are the controller's own (see Controller)
        PackagesSubsystem packages = c.install(new PackagesSubsystem(ctx, storage, assetBase(config, c)));
        DeploymentsSubsystem deployments = c.install(new DeploymentsSubsystem(ctx));
        ModulesSubsystem modules = c.install(new ModulesSubsystem(ctx, storage));
        StateRunsSubsystem stateRuns = c.install(new StateRunsSubsystem(ctx, modules.store()));
        InstancesSubsystem instances = c.install(new InstancesSubsystem(ctx, storage, sharedRoot, null, deployments.store(), stateRuns.runs()));
        return new Assembled(c, packages, deployments, modules, stateRuns, instances);
    }

    /** The advertised URL if set, else this controller's own address, worked out once (the port is bound by then). */
    private static java.util.function.Supplier<String> assetBase(ControllerConfig config, Controller c) {
        if (config.advertiseUrl() != null) return config::advertiseUrl;
        AtomicReference<String> own = new AtomicReference<>();
        return () -> own.updateAndGet(v -> v != null ? v : advertised(config.host(), c.port()));
    }

    /**
     * The address a controller gives out for itself when no --advertise-url is set: the host it
     * listens on and the port it really bound (--port 0 picks one); a wildcard listen address
     * (0.0.0.0, ::) is replaced by this machine's host name, which other machines can resolve.
     */
    public static String advertised(String host, int port) {
        String h = host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName(); // the machine's name, no reverse lookup
            } catch (IOException e) {
                h = "localhost";
            }
        } else if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]"; // an IPv6 literal
        }
        return "http://" + h + ":" + port;
    }

    /** Checks an --advertise-url: an absolute http(s) URL with a host; returned without a trailing slash. */
    public static String advertiseUrl(String value) {
        URI u;
        try {
            u = new URI(value);
        } catch (URISyntaxException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                || u.getQuery() != null || u.getFragment() != null) {
            throw new CairnException(ErrorCode.INVALID_INPUT,
                    "--advertise-url '" + value + "' is not an http(s) URL with a host", "e.g. --advertise-url http://cairn.example.com:7070");
        }
        return value.replaceAll("/+$", "");
    }
}
