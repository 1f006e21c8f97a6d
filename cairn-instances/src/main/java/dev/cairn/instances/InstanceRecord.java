package dev.cairn.instances;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.time.Instant;
import java.util.Locale;

/**
 * An instance as recorded in the coordination store. {@code state} is {@link State#STAGED} (not
 * installed: an install in progress, or one that failed and whose error says why),
 * {@link State#INSTALLED} or {@link State#RUNNING}. {@code step} is the operation in progress or
 * null; {@code install} how far an install in progress got; {@code error} the last failed step's
 * error ({@code failure} the same with its error code and hint), cleared by the next success. The
 * rendered {@code service} is what start hands to the policy engine; {@code notRunnable} says why
 * there is none.
 */
public record InstanceRecord(String app, String version, String role, String id, String basedir, String home, State state,
                             Step step, Instant stepStartedAt, String error, Instant updatedAt, String policy,
                             JsonNode options, ServicePlan service, String notRunnable, Install install, Failure failure) {

    /** What the instance was asked to be; JSON: the lower-case name. */
    public enum State {
        STAGED, INSTALLED, RUNNING;

        @JsonValue
        public String json() { return name().toLowerCase(Locale.ROOT); }
    }

    /** An operation on the instance; JSON: the lower-case name. */
    public enum Step {
        INSTALL, START, STOP, REMOVE;

        @JsonValue
        public String json() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * How far an install in progress got: the state run applying {@code instance.states} once it
     * was submitted (null before), and whether the install creates the home (a failed install then
     * deletes it; a home that was there before is left).
     */
    public record Install(String run, boolean createsHome) {
        public Install withRun(String r) { return new Install(r, createsHome); }
    }

    /** A failed step's error as the API answers it: code, message and hint. */
    public record Failure(ErrorCode code, String message, String hint) {
        public static Failure of(RuntimeException e) {
            if (e instanceof CairnException c) return new Failure(c.code(), c.getMessage(), c.hint());
            return new Failure(ErrorCode.INTERNAL, e.getMessage() == null ? e.toString() : e.getMessage(), null);
        }

        public CairnException exception() {
            return new CairnException(code, message, hint);
        }
    }

    /** A record claiming an install: not installed yet, in step {@link Step#INSTALL} since {@code at}. */
    public static InstanceRecord installing(String app, String version, String role, String id, String basedir, String home, String policy,
                                            JsonNode options, Install install, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, State.STAGED, Step.INSTALL, at, null, at, policy, options, null,
                null, install, null);
    }

    public InstanceNames.Key key() { return new InstanceNames.Key(role, id); }

    /** The deployment the instance's service goes into: {@code role-<role>}. */
    public String deployment() { return deploymentOf(role); }

    /** The service id in that deployment: {@code <app>-<id>} (both [a-z0-9]+, so never ambiguous). */
    public String serviceId() { return app + "-" + id; }

    public static String deploymentOf(String role) { return "role-" + role; }

    /** Whether an install is in progress. */
    public boolean installing() { return step == Step.INSTALL; }

    /** The run applying {@code instance.states} of the install in progress, once submitted. */
    public String installRun() { return install == null ? null : install.run(); }

    public InstanceRecord withStep(Step s, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, state, s, s == null ? null : at, error, at, policy, options, service,
                notRunnable, install, failure);
    }

    public InstanceRecord withInstall(Install i) {
        return new InstanceRecord(app, version, role, id, basedir, home, state, step, stepStartedAt, error, updatedAt, policy, options, service,
                notRunnable, i, failure);
    }

    /** The install finished: installed, with the rendered service (or why there is none). */
    public InstanceRecord installed(ServicePlan plan, String whyNotRunnable, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, State.INSTALLED, null, null, null, at, policy, options, plan,
                whyNotRunnable, null, null);
    }

    /** The step finished: new state, no step, no error. */
    public InstanceRecord done(State newState, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, newState, null, null, null, at, policy, options, service, notRunnable,
                null, null);
    }

    /** {@code failed} failed: the state stays, the error is kept. */
    public InstanceRecord failed(Step failed, Failure f, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, state, null, null, failed.json() + " failed: " + f.message(), at,
                policy, options, service, notRunnable, null, f);
    }
}
