package dev.cairn.controller.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.Versioned;
import dev.cairn.instances.AppPackage;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstancePolicy;
import dev.cairn.instances.InstanceRecord;
import dev.cairn.instances.InstanceRef;
import dev.cairn.instances.Layout;
import dev.cairn.instances.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out the instance lifecycle (seed 001): stage → install (render config into the home,
 * apply {@code instance.states}, record) → start (service into deployment {@code role-<role>}) →
 * stop → remove (home and record go, the stage stays). Each step claims the record (its
 * {@code step}), and a failed step leaves the state as it was with the error recorded. Every
 * record change is written together with its event ({@link InstanceStore}).
 *
 * <p>An install is recorded here and carried out by the leader ({@link Installer}): the request
 * checks everything it can at once (names, role, basedir, the package's policy, the options, the
 * rendering), records the instance in its {@code install} step and answers; applying
 * {@code instance.states} on the nodes takes as long as it takes, outside the request.
 */
public final class InstanceApplier {
    /** A step whose controller died is taken over after this long. */
    static final Duration STALE_STEP = Duration.ofMinutes(10);

    /** Install request: {@code options} empty when none were given. */
    public record Install(String app, String role, String id, Optional<String> basedir, Optional<JsonNode> options, Optional<String> version) {}

    private final InstanceStore store;
    private final Stages stages;
    private final RoleDeployments deployments;
    private final Clock clock;

    /** @param deployments where a started instance's service is handed to the policy engine (its role's deployment) */
    public InstanceApplier(InstanceStore store, Stages stages, DeploymentStore deployments, Clock clock) {
        this.store = store;
        this.stages = stages;
        this.deployments = new RoleDeployments(deployments);
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
            boolean uses = r.state() != InstanceRecord.State.STAGED || r.installing(); // an install in progress renders from the stage
            if (r.app().equals(app) && uses && (version.isEmpty() || version.get().equals(r.version()))) {
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

    /**
     * Records an install: checks the request, stages the package if needed, and writes the record
     * in its {@code install} step with {@code instance.installing} (and the policy's guard). The
     * leader's {@link Installer} carries it out. Options or a rendering the package refuses are
     * recorded as the install's failure and thrown.
     */
    public InstanceRecord install(Install req) {
        InstanceNames.requireApp(req.app());
        InstanceNames.Key key = new InstanceNames.Key(req.role(), req.id());
        if (!store.roleExists(key.role())) {
            throw new CairnException(ErrorCode.NOT_FOUND, "role '" + key.role() + "' does not exist", "create it with 'cairn role create " + key.role() + "'");
        }
        String basedir = layout().requireBasedir(req.basedir().orElse(layout().defaultBasedir()));
        Instant now = clock.instant();
        requireInstallable(key, store.find(key).map(Versioned::value), now);
        // what the package is and allows, before anything is claimed
        Stages.Staged staged = stage(req.app(), req.version());
        AppPackage pkg = stages.load(req.app(), staged.version());
        InstancePolicy policy = pkg.policy();
        List<InstanceNames.Key> others = store.list().stream()
                .filter(r -> r.app().equals(req.app()) && !r.key().equals(key) && r.state() != InstanceRecord.State.STAGED)
                .map(InstanceRecord::key).toList();
        policy.refusal(req.app(), key.role(), others).ifPresent(why -> {
            throw new CairnException(ErrorCode.CONFLICT, why, policyHint(policy));
        });
        Path home = layout().home(basedir, key.role(), req.app(), key.id());
        // the options and the rendering, checked now (nothing is written): bad input is answered at once
        JsonNode options = null;
        RuntimeException invalid = null;
        try {
            options = Options.resolve(req.app(), pkg.optionsSchema(), req.options());
            InstallPlan.render(pkg, new InstanceRef(req.app(), staged.version(), key.role(), key.id(), basedir, home.toString(),
                    staged.path().toString()), options, Stages.files(staged.path()));
        } catch (RuntimeException e) {
            invalid = e;
        }
        InstanceRecord claim = InstanceRecord.installing(req.app(), staged.version(), key.role(), key.id(), basedir, home.toString(),
                policy.text(), options, new InstanceRecord.Install(null, !Files.exists(home)), now);
        Optional<String> guard = policy.guard(req.app(), key.role());
        store.claimInstall(claim, guard, event("instance.installing", key.toString(), "installing " + req.app() + "@" + staged.version() + " as " + key,
                        Map.of("app", req.app(), "version", staged.version(), "role", key.role(), "id", key.id())),
                cur -> requireInstallable(key, cur, now),
                holder -> new CairnException(ErrorCode.CONFLICT, policy.refusal(req.app(), key.role(), List.of(InstanceNames.Key.parse(holder)))
                        .orElse(req.app() + " is " + policy.text() + " and instance " + holder + " holds it"), policyHint(policy)));
        if (invalid != null) {
            store.fail(key, InstanceRecord.Step.INSTALL, InstanceRecord.Failure.of(invalid), guard, clock.instant(), InstanceRecord::installing);
            throw invalid;
        }
        return claim;
    }

    /** An instance may be installed when it has no record, or one of a failed install with no step in progress. */
    private static void requireInstallable(InstanceNames.Key key, Optional<InstanceRecord> existing, Instant now) {
        if (existing.isEmpty()) return;
        InstanceRecord r = existing.get();
        if (r.state() != InstanceRecord.State.STAGED) {
            throw new CairnException(ErrorCode.ALREADY_EXISTS, "instance " + key + " is already installed (" + r.app() + "@" + r.version() + ", "
                    + r.state().json() + ")", "choose another id, or remove it first with 'cairn instance remove " + key + "'");
        }
        requireNoStep(r, now);
    }

    private static String policyHint(InstancePolicy p) {
        return p == InstancePolicy.ONE_PER_CLUSTER ? "install it once, in role 'shared'" : "use the existing instance, or remove it first";
    }

    // ---- start / stop / remove --------------------------------------------------------------------

    public InstanceRecord start(InstanceNames.Key key) {
        InstanceRecord r = store.require(key).value();
        if (r.state() == InstanceRecord.State.RUNNING) return r;
        requireInstalled(r);
        if (r.service() == null) {
            String why = r.notRunnable() == null ? r.app() + " has no service to run" : r.notRunnable();
            CairnException e = new CairnException(ErrorCode.UNSUPPORTED, "instance " + key + " cannot start: " + why,
                    "it stays installed; its rendered files are in " + r.home());
            recordFailure(key, InstanceRecord.Step.START, e);
            throw e;
        }
        InstanceRecord claimed = claim(r, InstanceRecord.Step.START);
        try {
            deployments.add(r.deployment(), r.serviceId(), r.service());
        } catch (RuntimeException e) {
            recordFailure(key, InstanceRecord.Step.START, e);
            throw e;
        }
        InstanceRecord done = claimed.done(InstanceRecord.State.RUNNING, clock.instant());
        finish(key, done, event("instance.started", key.toString(), "instance " + key + " handed to the policy engine as " + r.deployment() + "/"
                + r.serviceId(), Map.of("deployment", r.deployment(), "service", r.serviceId())));
        return done;
    }

    public InstanceRecord stop(InstanceNames.Key key) {
        InstanceRecord r = store.require(key).value();
        if (r.state() == InstanceRecord.State.INSTALLED) return r;
        requireInstalled(r);
        InstanceRecord claimed = claim(r, InstanceRecord.Step.STOP);
        try {
            deployments.remove(r.deployment(), r.serviceId());
        } catch (RuntimeException e) {
            recordFailure(key, InstanceRecord.Step.STOP, e);
            throw e;
        }
        InstanceRecord done = claimed.done(InstanceRecord.State.INSTALLED, clock.instant());
        finish(key, done, event("instance.stopped", key.toString(), "instance " + key + " stopped (removed from " + r.deployment() + ")",
                Map.of("deployment", r.deployment(), "service", r.serviceId())));
        return done;
    }

    public InstanceRecord remove(InstanceNames.Key key) {
        InstanceRecord r = store.require(key).value();
        if (r.state() == InstanceRecord.State.RUNNING) {
            throw new CairnException(ErrorCode.CONFLICT, "instance " + key + " is running", "stop it first: 'cairn instance stop " + key + "'");
        }
        InstanceRecord claimed = claim(r, InstanceRecord.Step.REMOVE);
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
            recordFailure(key, InstanceRecord.Step.REMOVE, e);
            throw e;
        }
        store.delete(key, InstancePolicy.parse(r.policy()).guard(r.app(), r.role()),
                event("instance.removed", key.toString(), "instance " + key + " removed (" + r.home() + " deleted; stage of " + r.app() + "@"
                        + r.version() + " kept)", Map.of("app", r.app(), "version", r.version(), "home", r.home())), cur -> { });
        return claimed;
    }

    // ---- record bookkeeping -----------------------------------------------------------------------

    private static void requireInstalled(InstanceRecord r) {
        if (r.state() == InstanceRecord.State.STAGED) {
            throw new CairnException(ErrorCode.CONFLICT, "instance " + r.key() + " is not installed ("
                    + (r.installing() ? "its install is in progress" : "its install failed: " + r.error()) + ")",
                    r.installing() ? "wait for it: 'cairn instance show " + r.key() + "'" : "install it again, or remove it");
        }
    }

    private static void requireNoStep(InstanceRecord r, Instant now) {
        if (r.step() != null && r.stepStartedAt() != null && r.stepStartedAt().plus(STALE_STEP).isAfter(now)) {
            throw new CairnException(ErrorCode.CONFLICT, "a " + r.step().json() + " of instance " + r.key() + " is in progress (since "
                    + r.stepStartedAt() + ")", "wait for it to finish; see 'cairn instance show " + r.key() + "'");
        }
    }

    /** Records {@code step} in progress, if the record is still {@code seen} and no other step is. */
    private InstanceRecord claim(InstanceRecord seen, InstanceRecord.Step step) {
        Instant now = clock.instant();
        return store.update(seen.key(), cur -> {
            InstanceRecord c = cur.orElseThrow(() -> InstanceStore.notFound(seen.key()));
            if (!c.equals(seen)) throw new CairnException(ErrorCode.CONFLICT, "instance " + seen.key() + " changed meanwhile", "try again");
            requireNoStep(c, now);
            return Change.put(c.withStep(step, now));
        }).after().orElseThrow();
    }

    private void finish(InstanceNames.Key key, InstanceRecord done, EventDraft event) {
        store.update(key, cur -> {
            if (cur.isEmpty()) throw InstanceStore.notFound(key);
            return Change.put(done, event);
        });
    }

    private void recordFailure(InstanceNames.Key key, InstanceRecord.Step step, RuntimeException e) {
        try {
            store.fail(key, step, InstanceRecord.Failure.of(e), Optional.empty(), clock.instant(), r -> true);
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
