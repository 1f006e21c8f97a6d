package dev.cairn.cli;

import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.events.EventOptions;
import dev.cairn.controller.events.Events;
import dev.cairn.controller.modules.ModuleStore;
import dev.cairn.controller.modules.ModulesApi;
import dev.cairn.controller.packages.PackageProcessing;
import dev.cairn.controller.packages.PackagesApi;
import dev.cairn.controller.staterun.StateRuns;
import dev.cairn.controller.staterun.StateRunsApi;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.packages.PackageEvents;
import dev.cairn.packages.PackageService;
import dev.cairn.packages.universe.UriFetcher;
import dev.cairn.storage.PackageStorages;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Wires a controller with every subsystem's routes and leader services. The one place that knows
 * all modules; both {@code cairn up} and {@code cairn controller} use it.
 */
public final class ClusterAssembly {
    private ClusterAssembly() {}

    /**
     * Where a controller keeps what is not in the coordination store.
     *
     * @param dataDir    local data directory
     * @param storageUri package storage: {@code file:///PATH} or {@code s3://BUCKET?endpoint=URL…};
     *                   null for {@code <dataDir>/storage}
     * @param sharedRoot the cluster's shared filesystem (instance stages and homes); null for
     *                   {@code <dataDir>/shared}
     */
    public record Paths(Path dataDir, String storageUri, Path sharedRoot) {
        public Paths(Path dataDir) {
            this(dataDir, null, null);
        }

        public Paths(Path dataDir, String storageUri) {
            this(dataDir, storageUri, null);
        }

        Path shared() {
            return (sharedRoot != null ? sharedRoot : dataDir.resolve("shared")).toAbsolutePath().normalize();
        }

        String storage() {
            return storageUri != null ? storageUri : dataDir.resolve("storage").toAbsolutePath().toUri().toString();
        }
    }

    public static Controller controller(ControllerConfig config, CoordinationStore store, Paths paths) {
        return controller(config, store, paths, EventOptions.defaults());
    }

    public static Controller controller(ControllerConfig config, CoordinationStore store, Paths paths, EventOptions eventOptions) {
        return controller(config, store, paths, eventOptions, null);
    }

    /**
     * @param advertiseUrl how other machines reach this controller (or a load balancer in front of
     *                     all of them), e.g. for the asset URLs of --with-assets installs; null: its
     *                     own address, see {@link #advertised}
     */
    public static Controller controller(ControllerConfig config, CoordinationStore store, Paths paths, EventOptions eventOptions,
                                        String advertiseUrl) {
        Clock clock = Clock.systemUTC();
        Controller c = new Controller(config, store, clock);
        Events events = Events.install(c, eventOptions);
        c.addCloseable(events);
        PackageStorage storage = PackageStorages.open(paths.storage());
        // package events go into the queue change's own transaction; the log then wakes its followers
        PackageEvents packageEvents = new PackageEvents(clock, events.log()::committed);
        PackageService packages = new PackageService(store, storage, packageEvents, UriFetcher.DEFAULT, PackageService.Config.DEFAULT, clock);
        if (advertiseUrl != null) {
            packages.assetBaseUrl(() -> advertiseUrl);
        } else {
            // worked out once, at the first install that needs it (the port is bound by then)
            java.util.concurrent.atomic.AtomicReference<String> own = new java.util.concurrent.atomic.AtomicReference<>();
            packages.assetBaseUrl(() -> own.updateAndGet(v -> v != null ? v : advertised(config.host(), c.port())));
        }
        PackageProcessing processing = new PackageProcessing(packages, Duration.ofMillis(500), Duration.ofMinutes(1));
        c.addLeaderService(processing);
        PackagesApi.register(c.router(), packages, processing::wake);
        // deployment, work, service and node changes carry their events in the same store transaction
        var deployments = dev.cairn.controller.deploy.Deployments.install(c, dev.cairn.controller.deploy.DeployEvents.log(events.log()),
                dev.cairn.controller.deploy.DpeFaults.NONE);
        // work is queued with the epoch agents check it against: ours when leading, else the one the leader published
        // signed extension modules in package storage (modules/<name>/<sha256>/), known to the run compile
        ModuleStore modules = new ModuleStore(store, storage, events.log(), clock);
        ModulesApi.register(c.router(), modules);
        StateRuns stateRuns = new StateRuns(store, c.nodes(), deployments.queue(), clock,
                () -> c.isLeader() ? c.epoch() : Math.max(0, deployments.queue().publishedEpoch()), events.log(), modules::resolve);
        StateRunsApi.register(c.router(), stateRuns);
        // the leader reports nodes lost mid-run even when nobody watches the run
        dev.cairn.controller.staterun.StateRunWatch runWatch = new dev.cairn.controller.staterun.StateRunWatch(stateRuns, Duration.ofSeconds(2));
        c.addLeaderService(runWatch);
        c.addCloseable(runWatch::close);
        dev.cairn.controller.instances.Instances.install(c, storage, paths.shared(), null, deployments.store(), stateRuns, events.log());
        return c;
    }

    /**
     * The address a controller gives out for itself when no --advertise-url is set: the host it
     * listens on and the port it really bound (--port 0 picks one); a wildcard listen address
     * (0.0.0.0, ::) is replaced by this machine's host name, which other machines can resolve.
     */
    static String advertised(String host, int port) {
        String h = host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName(); // the machine's name, no reverse lookup
            } catch (java.io.IOException e) {
                h = "localhost";
            }
        } else if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]"; // an IPv6 literal
        }
        return "http://" + h + ":" + port;
    }

    /** Checks an --advertise-url: an absolute http(s) URL with a host; returned without a trailing slash. */
    static String advertiseUrl(String value) {
        java.net.URI u;
        try {
            u = new java.net.URI(value);
        } catch (java.net.URISyntaxException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                || u.getQuery() != null || u.getFragment() != null) {
            throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.INVALID_INPUT,
                    "--advertise-url '" + value + "' is not an http(s) URL with a host", "e.g. --advertise-url http://cairn.example.com:7070");
        }
        return value.replaceAll("/+$", "");
    }
}
