package dev.cairn.instances;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An instance as recorded in the coordination store. {@code state} is {@link #STAGED} (an install
 * that failed: the instance is not installed, the error says why), {@link #INSTALLED} or
 * {@link #RUNNING}. {@code step} is the operation in progress (install, start, stop, remove) or
 * null; {@code error} the last failed step's error, cleared by the next success. The rendered
 * {@code service} is what start hands to the policy engine; {@code notRunnable} says why there is none.
 */
public record InstanceRecord(String app, String version, String role, String id, String basedir, String home, String state,
                             String step, Instant stepStartedAt, String error, Instant updatedAt, String policy,
                             JsonNode options, ServicePlan service, String notRunnable) {
    public static final String STAGED = "staged";
    public static final String INSTALLED = "installed";
    public static final String RUNNING = "running";

    public InstanceNames.Key key() { return new InstanceNames.Key(role, id); }

    /** The deployment the instance's service goes into: {@code role-<role>}. */
    public String deployment() { return deploymentOf(role); }

    /** The service id in that deployment: {@code <app>-<id>} (both [a-z0-9]+, so never ambiguous). */
    public String serviceId() { return app + "-" + id; }

    public static String deploymentOf(String role) { return "role-" + role; }

    public InstanceRecord withStep(String s, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, state, s, s == null ? null : at, error, at, policy, options, service, notRunnable);
    }

    /** The step finished: new state, no step, no error. */
    public InstanceRecord done(String newState, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, newState, null, null, null, at, policy, options, service, notRunnable);
    }

    /** The step failed: the state stays, the error is kept. */
    public InstanceRecord failed(String message, Instant at) {
        return new InstanceRecord(app, version, role, id, basedir, home, state, null, null, message, at, policy, options, service, notRunnable);
    }
}
