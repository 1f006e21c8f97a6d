package dev.cairn.controller;

import dev.cairn.controller.http.HttpApi;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.nodes.NodesApi;
import dev.cairn.core.Json;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StorePath;
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
 * {@link LeaderService}s. Any number of controllers may share one store; all serve the API.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    public static final StorePath CONTROLLERS = StorePath.of("controllers");

    private final ControllerConfig config;
    private final CoordinationStore store;
    private final Clock clock;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Router router = new Router();
    private final NodeRegistry nodes;
    private final List<LeaderService> leaderServices = new CopyOnWriteArrayList<>();
    private final Instant startedAt;
    private LeaderElection election;
    private HttpApi http;
    private volatile boolean leaderWorkRunning;

    public Controller(ControllerConfig config, CoordinationStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.nodes = new NodeRegistry(store, clock, config.heartbeatTimeout());
        registerCoreRoutes();
    }

    public Router router() { return router; }

    public CoordinationStore store() { return store; }

    public NodeRegistry nodes() { return nodes; }

    public Clock clock() { return clock; }

    public PrometheusMeterRegistry metrics() { return metrics; }

    public ControllerConfig config() { return config; }

    /** Adds leader-only work; call before {@link #start()}. */
    public void addLeaderService(LeaderService s) { leaderServices.add(s); }

    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    /** Something a subsystem opened (a store watch, ...) to close with the controller. */
    public void addCloseable(AutoCloseable c) { closeables.add(c); }

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
        Gauge.builder("cairn.nodes.up", () -> nodes.list().stream().filter(n -> n.state().equals("up")).count()).register(metrics);
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
        NodesApi.register(router, nodes);
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
        List<NodeView> ns = nodes.list();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("controller", config.id());
        s.put("url", url());
        s.put("leader", election == null ? null : election.leaderId().orElse(null));
        s.put("isLeader", isLeader());
        s.put("epoch", epoch());
        s.put("store", store.connectionState().name());
        s.put("controllers", store.children(CONTROLLERS));
        s.put("nodesUp", ns.stream().filter(n -> n.state().equals("up")).count());
        s.put("nodesDown", ns.stream().filter(n -> !n.state().equals("up")).count());
        s.put("startedAt", startedAt.toString());
        s.put("version", Version.VERSION);
        return s;
    }

    @Override
    public void close() {
        stopLeaderWork("shutting down");
        List<AutoCloseable> closing = new ArrayList<>(closeables);
        if (election != null) closing.add(election);
        if (http != null) closing.add(http);
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
