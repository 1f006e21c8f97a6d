package dev.cairn.controller.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.store.Versioned;
import dev.cairn.instances.AppPackage;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstancePolicy;
import dev.cairn.instances.InstanceRecord;
import dev.cairn.instances.InstanceRef;
import dev.cairn.instances.InstanceRenderer;
import dev.cairn.instances.Layout;
import dev.cairn.instances.Options;
import dev.cairn.instances.RenderedInstance;
import dev.cairn.instances.ServicePlan;
import dev.cairn.states.source.SlsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out the instance lifecycle (seed 001): stage → install (render config into the home,
 * apply {@code instance.states}, record) → start (service into deployment {@code role-<role>}) →
 * stop → remove (home and record go, the stage stays). Each step claims the record (its
 * {@code step}), and a failed step leaves the state as it was with the error recorded. Every
 * record change is written together with its event ({@link InstanceStore}).
 */
public final class InstanceApplier {
    /** A step whose controller died is taken over after this long. */
    static final Duration STALE_STEP = Duration.ofMinutes(10);

    /** Runs an instance's states on the nodes that may run it and waits for the outcome. */
    @FunctionalInterface
    public interface StatesRunner {
        /** Returns null on success, else why it failed. */
        String run(SlsTree tree, String target) throws InterruptedException;
    }

    /** Install request: {@code options} empty when none were given. */
    public record Install(String app, String role, String id, Optional<String> basedir, Optional<JsonNode> options, Optional<String> version) {}

    private final InstanceStore store;
    private final Stages stages;
    private final RoleDeployments deployments;
    private final StatesRunner states;
    private final Clock clock;

    /** @param deployments where a started instance's service is handed to the policy engine (its role's deployment) */
    public InstanceApplier(InstanceStore store, Stages stages, DeploymentStore deployments, StatesRunner states, Clock clock) {
        this.store = store;
        this.stages = stages;
        this.deployments = new RoleDeployments(deployments);
        this.states = states;
        this.clock = clock;
    }

    private static EventDraft event(String type, String subject, String message, Map<String, ?> data) {
        return EventEmitter.draft(type, subject, message, data);
    }

    public InstanceStore store() { return store; }

    public Stages stages() { return stages; }

    public Layout layout() { return stages.layout(); }

    // ---- stage ------------------------------------------------------------------------------------

    public Stages.Staged stage(String app, Optional<String> version) {
        InstanceNames.requireApp(app);
        Stages.Staged s = stages.stage(app, version.orElseGet(() -> stages.newest(app)));
        if (s.created()) {
            store.record(event("instance.staged", app + "@" + s.version(), app + "@" + s.version() + " staged into " + s.path(),
                    Map.of("app", app, "version", s.version(), "path", s.path().toString(), "files", s.files())));
        }
        return s;
    }

    public List<String> unstage(String app, Optional<String> version) {
        InstanceNames.requireApp(app);
        for (InstanceRecord r : store.list()) {
            if (r.app().equals(app) && !r.state().equals(InstanceRecord.STAGED) && (version.isEmpty() || version.get().equals(r.version()))) {
                throw new CairnException(ErrorCode.CONFLICT, app + "@" + r.version() + " is used by instance " + r.key(),
                        "remove the instances that use it first ('cairn instance remove " + r.key() + "')");
            }
        }
        List<String> gone = stages.unstage(app, version);
        if (!gone.isEmpty()) {
            store.record(event("instance.unstaged", app, app + " unstaged (" + String.join(", ", gone) + ")", Map.of("app", app, "versions", gone)));
        }
        return gone;
    }

    // ---- install ----------------------------------------------------------------------------------

    public InstanceRecord install(Install req) throws InterruptedException {
        InstanceNames.requireApp(req.app());
        InstanceNames.Key key = new InstanceNames.Key(req.role(), req.id());
        if (!store.roleExists(key.role())) {
            throw new CairnException(ErrorCode.NOT_FOUND, "role '" + key.role() + "' does not exist", "create it with 'cairn role create " + key.role() + "'");
        }
        String basedir = layout().requireBasedir(req.basedir().orElse(layout().defaultBasedir()));
        Instant now = clock.instant();
        Optional<Versioned<InstanceRecord>> existing = store.find(key);
        if (existing.isPresent()) {
            InstanceRecord r = existing.get().value();
            if (!r.state().equals(InstanceRecord.STAGED)) {
                throw new CairnException(ErrorCode.ALREADY_EXISTS, "instance " + key + " is already installed (" + r.app() + "@" + r.version() + ", " + r.state() + ")",
                        "choose another id, or remove it first with 'cairn instance remove " + key + "'");
            }
            requireNoStep(r, now);
        }
        // what the package is and allows, before anything is claimed
        Stages.Staged staged = stage(req.app(), req.version());
        AppPackage pkg = stages.load(req.app(), staged.version());
        InstancePolicy policy = pkg.policy();
        List<InstanceNames.Key> others = store.list().stream()
                .filter(r -> r.app().equals(req.app()) && !r.key().equals(key) && !r.state().equals(InstanceRecord.STAGED))
                .map(InstanceRecord::key).toList();
        policy.refusal(req.app(), key.role(), others).ifPresent(why -> {
            throw new CairnException(ErrorCode.CONFLICT, why, policyHint(policy));
        });
        Path home = layout().home(basedir, key.role(), req.app(), key.id());
        InstanceRecord claim = new InstanceRecord(req.app(), staged.version(), key.role(), key.id(), basedir, home.toString(),
                InstanceRecord.STAGED, "install", now, null, now, policy.text(), null, null, null);
        Optional<String> guard = policy.guard(req.app(), key.role());
        Optional<String> lost = store.claimInstall(claim, existing.map(Versioned::version), guard,
                event("instance.installing", key.toString(), "installing " + req.app() + "@" + staged.version() + " as " + key,
                        Map.of("app", req.app(), "version", staged.version(), "role", key.role(), "id", key.id())));
        if (lost.isPresent()) {
            if (lost.get().isEmpty()) {
                throw new CairnException(ErrorCode.CONFLICT, "instance " + key + " changed while installing", "see 'cairn instance show " + key + "' and try again");
            }
            throw new CairnException(ErrorCode.CONFLICT, policy.refusal(req.app(), key.role(), List.of(InstanceNames.Key.parse(lost.get())))
                    .orElse(req.app() + " is " + policy.text() + " and instance " + lost.get() + " holds it"), policyHint(policy));
        }
        boolean homeExisted = Files.exists(home);
        try {
            JsonNode options = Options.resolve(req.app(), pkg.optionsSchema(), req.options());
            InstanceRef ref = new InstanceRef(req.app(), staged.version(), key.role(), key.id(), basedir, home.toString(), staged.path().toString());
            RenderedInstance rendered = InstanceRenderer.render(pkg, ref, options, Stages.files(staged.path()));
            writeHome(home, rendered);
            if (rendered.states().isPresent()) {
                String target = rendered.service().flatMap(s -> s.placements().stream().findFirst()).map(ServicePlan.Placement::target).orElse("*");
                SlsTree tree = new SlsTree(Map.of("instance", rendered.states().get().sls()), List.of("instance"),
                        "instance " + key + " (" + req.app() + "@" + staged.version() + ") " + rendered.states().get().path());
                String failure = states.run(tree, target);
                if (failure != null) {
                    throw new CairnException(ErrorCode.OPERATION_FAILED, "instance.states of " + key + " failed: " + failure,
                            "fix the states (or the nodes) and install again");
                }
            }
            InstanceRecord done = new InstanceRecord(claim.app(), claim.version(), claim.role(), claim.id(), claim.basedir(), claim.home(),
                    InstanceRecord.INSTALLED, null, null, null, clock.instant(), claim.policy(), options, rendered.service().orElse(null),
                    rendered.notRunnable());
            finish(key, done, event("instance.installed", key.toString(), req.app() + "@" + staged.version() + " installed as " + key + " in " + home,
                    Map.of("app", req.app(), "version", staged.version(), "home", home.toString())));
            return done;
        } catch (RuntimeException | InterruptedException e) {
            if (!homeExisted) {
                try {
                    Stages.deleteTree(home);
                } catch (RuntimeException ignored) {
                    // the error below matters more
                }
            }
            store.releaseGuard(guard, key);
            fail(key, "install", e);
            throw e;
        }
    }

    private static String policyHint(InstancePolicy p) {
        return p == InstancePolicy.ONE_PER_CLUSTER ? "install it once, in role 'shared'" : "use the existing instance, or remove it first";
    }

    /** Writes the rendered files below the home, refusing any that would land outside it (links included). */
    static void writeHome(Path home, RenderedInstance r) {
        try {
            Files.createDirectories(home);
            Path realHome = home.toRealPath();
            for (RenderedInstance.File f : r.files()) {
                Path dest = Layout.inside(home, f.path(), "config path");
                Files.createDirectories(dest.getParent());
                if (!dest.getParent().toRealPath().startsWith(realHome) || Files.isSymbolicLink(dest)) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "config path '" + f.path() + "' escapes " + home + " through a link",
                            "links inside an instance home may not point outside it");
                }
                Path tmp = dest.resolveSibling("." + dest.getFileName() + ".tmp");
                Files.write(tmp, f.content());
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw Stages.io("cannot write the instance home " + home, e);
        }
    }

    // ---- start / stop / remove --------------------------------------------------------------------

    public InstanceRecord start(InstanceNames.Key key) {
        Versioned<InstanceRecord> v = store.require(key);
        InstanceRecord r = v.value();
        if (r.state().equals(InstanceRecord.RUNNING)) return r;
        requireInstalled(r, "start");
        if (r.service() == null) {
            String why = r.notRunnable() == null ? r.app() + " has no service to run" : r.notRunnable();
            CairnException e = new CairnException(ErrorCode.UNSUPPORTED, "instance " + key + " cannot start: " + why,
                    "it stays installed; its rendered files are in " + r.home());
            recordFailure(key, "start", e);
            throw e;
        }
        InstanceRecord claimed = claim(v, "start");
        try {
            deployments.add(r.deployment(), r.serviceId(), r.service());
        } catch (RuntimeException e) {
            fail(key, "start", e);
            throw e;
        }
        InstanceRecord done = claimed.done(InstanceRecord.RUNNING, clock.instant());
        finish(key, done, event("instance.started", key.toString(), "instance " + key + " handed to the policy engine as " + r.deployment() + "/"
                + r.serviceId(), Map.of("deployment", r.deployment(), "service", r.serviceId())));
        return done;
    }

    public InstanceRecord stop(InstanceNames.Key key) {
        Versioned<InstanceRecord> v = store.require(key);
        InstanceRecord r = v.value();
        if (r.state().equals(InstanceRecord.INSTALLED)) return r;
        requireInstalled(r, "stop");
        InstanceRecord claimed = claim(v, "stop");
        try {
            deployments.remove(r.deployment(), r.serviceId());
        } catch (RuntimeException e) {
            fail(key, "stop", e);
            throw e;
        }
        InstanceRecord done = claimed.done(InstanceRecord.INSTALLED, clock.instant());
        finish(key, done, event("instance.stopped", key.toString(), "instance " + key + " stopped (removed from " + r.deployment() + ")",
                Map.of("deployment", r.deployment(), "service", r.serviceId())));
        return done;
    }

    public InstanceRecord remove(InstanceNames.Key key) {
        Versioned<InstanceRecord> v = store.require(key);
        InstanceRecord r = v.value();
        if (r.state().equals(InstanceRecord.RUNNING)) {
            throw new CairnException(ErrorCode.CONFLICT, "instance " + key + " is running", "stop it first: 'cairn instance stop " + key + "'");
        }
        InstanceRecord claimed = claim(v, "remove");
        try {
            Path home = Path.of(r.home());
            if (!Layout.within(layout().root(), home) || home.equals(layout().root())) {
                throw new CairnException(ErrorCode.INTERNAL, "the recorded home " + home + " is not below " + layout().root(), "remove it by hand");
            }
            Stages.deleteTree(home);
            try {
                Files.deleteIfExists(home.getParent()); // <basedir>/<role>/<app>, when no other instance of the app is there
            } catch (IOException notEmpty) {
                // other instances of the app live there
            }
        } catch (RuntimeException e) {
            fail(key, "remove", e);
            throw e;
        }
        Versioned<InstanceRecord> cur = store.require(key);
        if (!store.delete(cur.value(), cur.version(), InstancePolicy.parse(r.policy()).guard(r.app(), r.role()),
                event("instance.removed", key.toString(), "instance " + key + " removed (" + r.home() + " deleted; stage of " + r.app() + "@"
                        + r.version() + " kept)", Map.of("app", r.app(), "version", r.version(), "home", r.home())))) {
            throw new CairnException(ErrorCode.VERSION_CONFLICT, "instance " + key + " changed while being removed", "try again");
        }
        return claimed;
    }

    // ---- record bookkeeping -----------------------------------------------------------------------

    private void requireInstalled(InstanceRecord r, String step) {
        if (r.state().equals(InstanceRecord.STAGED)) {
            throw new CairnException(ErrorCode.CONFLICT, "instance " + r.key() + " is not installed (its install failed: " + r.error() + ")",
                    "install it again, or remove it");
        }
    }

    private void requireNoStep(InstanceRecord r, Instant now) {
        if (r.step() != null && r.stepStartedAt() != null && r.stepStartedAt().plus(STALE_STEP).isAfter(now)) {
            throw new CairnException(ErrorCode.CONFLICT, "a " + r.step() + " of instance " + r.key() + " is in progress (since " + r.stepStartedAt() + ")",
                    "wait for it to finish; see 'cairn instance show " + r.key() + "'");
        }
    }

    private InstanceRecord claim(Versioned<InstanceRecord> v, String step) {
        Instant now = clock.instant();
        requireNoStep(v.value(), now);
        InstanceRecord c = v.value().withStep(step, now);
        if (!store.replace(c, v.version(), null)) {
            throw new CairnException(ErrorCode.CONFLICT, "instance " + v.value().key() + " changed meanwhile", "try again");
        }
        return c;
    }

    private void finish(InstanceNames.Key key, InstanceRecord done, EventDraft event) {
        for (int i = 0; i < 20; i++) {
            Versioned<InstanceRecord> cur = store.require(key);
            if (store.replace(done, cur.version(), event)) return;
        }
        throw new CairnException(ErrorCode.VERSION_CONFLICT, "instance " + key + " kept changing", "see 'cairn instance show " + key + "'");
    }

    private void fail(InstanceNames.Key key, String step, Exception e) {
        recordFailure(key, step, e);
    }

    private void recordFailure(InstanceNames.Key key, String step, Exception e) {
        String msg = step + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("step", step);
        d.put("error", msg);
        EventDraft failed = event("instance.failed", key.toString(), "instance " + key + ": " + msg, d);
        try {
            for (int i = 0; i < 20; i++) {
                Optional<Versioned<InstanceRecord>> cur = store.find(key);
                if (cur.isEmpty()) {
                    store.record(failed); // nothing to mark (the record was never written): the failure alone
                    break;
                }
                if (store.replace(cur.get().value().failed(msg, clock.instant()), cur.get().version(), failed)) break;
            }
        } catch (RuntimeException ignored) {
            // the caller reports the original error
        }
    }

    // ---- roles ------------------------------------------------------------------------------------

    public void createRole(String role) {
        InstanceNames.requireRole(role);
        boolean shared = role.equals(InstanceNames.SHARED_ROLE); // always exists; creating it makes its directories
        if (!shared && store.roleExists(role)) {
            throw new CairnException(ErrorCode.ALREADY_EXISTS, "role '" + role + "' already exists", "see 'cairn role list'");
        }
        // the directories first: a role is recorded (with its event) only once its place exists
        try {
            for (String b : layout().basedirs()) Files.createDirectories(layout().roleDir(b, role));
        } catch (IOException e) {
            throw Stages.io("cannot create the directories of role " + role, e);
        }
        EventDraft created = event("role.created", role, "role " + role + " created in " + String.join(", ", layout().basedirs()), Map.of("role", role));
        if (shared) {
            store.record(created);
        } else if (!store.createRole(role, clock.instant(), created)) {
            throw new CairnException(ErrorCode.ALREADY_EXISTS, "role '" + role + "' already exists", "see 'cairn role list'");
        }
    }

    public void deleteRole(String role) {
        InstanceNames.requireRole(role);
        if (role.equals(InstanceNames.SHARED_ROLE)) {
            throw new CairnException(ErrorCode.CONFLICT, "role 'shared' always exists", "delete other roles only");
        }
        if (!store.roleExists(role)) throw new CairnException(ErrorCode.NOT_FOUND, "role '" + role + "' does not exist", "see 'cairn role list'");
        for (InstanceRecord r : store.list()) {
            if (r.role().equals(role)) {
                throw new CairnException(ErrorCode.CONFLICT, "role '" + role + "' still has instance " + r.key(),
                        "remove its instances first ('cairn instance remove " + r.key() + "')");
            }
        }
        store.deleteRole(role, event("role.deleted", role, "role " + role + " deleted", Map.of("role", role)));
        for (String b : layout().basedirs()) {
            try {
                Files.deleteIfExists(layout().roleDir(b, role)); // only when empty
            } catch (IOException e) {
                // files someone put there stay
            }
        }
    }
}
