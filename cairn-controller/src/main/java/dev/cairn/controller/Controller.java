package dev.cairn.controller;

import dev.cairn.controller.events.EventsSubsystem;
import dev.cairn.controller.http.HttpApi;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.nodes.NodesSubsystem;
import dev.cairn.controller.work.WorkChannel;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.Json;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.time.ExecutorScheduler;
import dev.cairn.core.time.Scheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller: serves the API, takes part in leader election, and while it is leader runs the
 * {@link LeaderService}s of its {@link Subsystem}s. Any number of controllers may share one store;
 * all serve the API.
 *
 * <p>The controller itself holds what every subsystem needs, the {@link ControllerContext}: the
 * event log ({@link EventsSubsystem}), the node registry ({@link NodesSubsystem}) and the work
 * channel to the agents ({@link WorkChannel}), installed in that order before any other.
 * {@link ControllerAssembly} installs the rest.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    public static final StorePath CONTROLLERS = StorePath.of("controllers");

    private final ControllerConfig config;
    private final CoordinationStore store;
    private final Clock clock;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Router router = new Router();
    private final Scheduler scheduler;
    private final EventsSubsystem events;
    private final NodesSubsystem nodes;
    private final WorkChannel work;
    private final ControllerContext context;
    private final List<Subsystem> subsystems = new CopyOnWriteArrayList<>();
    private final List<LeaderService> leaderServices = new CopyOnWriteArrayList<>();
    private final Instant startedAt;
    private LeaderElection election;
    private HttpApi http;
    private volatile boolean leaderWorkRunning;

    public Controller(ControllerConfig config, CoordinationStore store, Clock clock) {
        this(config, store, clock, new ExecutorScheduler("controller-timer", 2));
    }

    /** With an injected scheduler (a test's {@link dev.cairn.core.time.ManualScheduler}); the controller closes it. */
    public Controller(ControllerConfig config, CoordinationStore store, Clock clock, Scheduler scheduler) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.scheduler = scheduler;
        this.startedAt = clock.instant();
        registerCoreRoutes();
        this.events = install(new EventsSubsystem(store, clock, scheduler, metrics, config.events()));
        this.nodes = install(new NodesSubsystem(store, events.log(), clock, scheduler, config.heartbeatTimeout()));
        this.work = install(new WorkChannel(store, clock));
        this.context = new ControllerContext(config, store, events.log(), work, nodes.registry(), nodes.liveness(), clock, scheduler, metrics,
                () -> isLeader() ? epoch() : Math.max(0, work.queue().publishedEpoch()));
    }

    /**
     * Installs a subsystem: registers its routes, and its leader services (started in install
     * order when this controller leads, stopped in the same order); closes it with the controller,
     * in reverse install order. Call before {@link #start()}.
     */
    public <S extends Subsystem> S install(S subsystem) {
        subsystem.routes(router);
        leaderServices.addAll(subsystem.leaderServices());
        subsystems.add(subsystem);
        return subsystem;
    }

    /** What every subsystem is given. */
    public ControllerContext context() { return context; }

    public Router router() { return router; }

    public CoordinationStore store() { return store; }

    public NodeRegistry nodes() { return nodes.registry(); }

    public NodesSubsystem nodesSubsystem() { return nodes; }

    public EventLog events() { return events.log(); }

    public EventsSubsystem eventsSubsystem() { return events; }

    public WorkChannel work() { return work; }

    public Clock clock() { return clock; }

    public Scheduler scheduler() { return scheduler; }

    public PrometheusMeterRegistry metrics() { return metrics; }

    public ControllerConfig config() { return config; }

    public Controller start() {
        http = HttpApi.start(config.host(), config.port(), router, metrics);
        store.addConnectionListener(this::onConnectionState);
        store.createEphemeral(CONTROLLERS.child(config.id()), Json.bytes(Map.of("id", config.id(), "url", url(), "startedAt", startedAt.toString())));
        election = store.leaderElection("controllers", config.id());
        election.addListener(new LeaderElection.Listener() {
            @Override
            public void acquired(long epoch) {
                startLeaderWork(epoch);
            }

            @Override
            public void lost() {
                stopLeaderWork("leadership lost");
            }
        });
        Gauge.builder("cairn.controller.leader", () -> isLeader() ? 1 : 0).register(metrics);
        Gauge.builder("cairn.nodes.up", () -> nodes().list().stream().filter(NodeView::up).count()).register(metrics);
        election.start();
        return this;
    }

    private void onConnectionState(ConnectionState s) {
        switch (s) {
            // stop acting at once: another controller may be elected while we cannot see the store
            case SUSPENDED, LOST, CLOSED -> stopLeaderWork("store connection " + s);
            // the latch re-runs the election on its own; leader work restarts through acquired()
            case RECONNECTED, CONNECTED -> {
                if (election != null && election.isLeader() && !leaderWorkRunning) startLeaderWork(election.epoch());
            }
        }
    }

    private synchronized void startLeaderWork(long epoch) {
        if (leaderWorkRunning) return;
        LOG.info("controller {} is leader (epoch {})", config.id(), epoch);
        leaderWorkRunning = true;
        for (LeaderService s : leaderServices) {
            try {
                s.start(epoch);
            } catch (RuntimeException e) {
                LOG.error("leader service {} failed to start", s.name(), e);
            }
        }
    }

    private synchronized void stopLeaderWork(String why) {
        if (!leaderWorkRunning) return;
        LOG.info("controller {} stops leader work: {}", config.id(), why);
        leaderWorkRunning = false;
        for (LeaderService s : leaderServices) {
            try {
                s.stop();
            } catch (RuntimeException e) {
                LOG.error("leader service {} failed to stop", s.name(), e);
            }
        }
    }

    public boolean isLeader() {
        return election != null && election.isLeader();
    }

    public long epoch() {
        return election == null ? -1 : election.epoch();
    }

    public int port() {
        return http.port();
    }

    public String url() {
        return "http://" + config.host() + ":" + (http == null ? config.port() : http.port());
    }

    public String id() { return config.id(); }

    private void registerCoreRoutes() {
        router.get("/healthz", req -> Reply.ok(health()));
        router.get("/metrics", req -> Reply.text("text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        router.get("/api/v1/status", req -> Reply.ok(status()));
        router.get("/", req -> Reply.text("text/html; charset=utf-8", Console.HTML));
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", store.connectionState() == ConnectionState.SUSPENDED || store.connectionState() == ConnectionState.LOST ? "degraded" : "ok");
        h.put("controller", config.id());
        h.put("leader", isLeader());
        h.put("store", store.connectionState().name());
        return h;
    }

    public Map<String, Object> status() {
        List<NodeView> ns = nodes().list();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("controller", config.id());
        s.put("url", url());
        s.put("leader", election == null ? null : election.leaderId().orElse(null));
        s.put("isLeader", isLeader());
        s.put("epoch", epoch());
        s.put("store", store.connectionState().name());
        s.put("controllers", store.children(CONTROLLERS));
        s.put("nodesUp", ns.stream().filter(NodeView::up).count());
        s.put("nodesDown", ns.stream().filter(n -> !n.up()).count());
        s.put("startedAt", startedAt.toString());
        s.put("version", Version.VERSION);
        return s;
    }

    @Override
    public void close() {
        stopLeaderWork("shutting down");
        List<AutoCloseable> closing = new ArrayList<>();
        if (http != null) closing.add(http);
        if (election != null) closing.add(election);
        for (int i = subsystems.size() - 1; i >= 0; i--) closing.add(subsystems.get(i)::close);
        closing.add(scheduler);
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("close failed", e);
            }
        }
        try {
            store.delete(CONTROLLERS.child(config.id()), -1);
        } catch (RuntimeException ignored) {
            // the store may already be gone; the entry is ephemeral anyway
        }
    }
}
