package dev.cairn.policy;

import dev.cairn.policy.engine.Engine;
import dev.cairn.policy.model.Cib;
import java.time.Instant;

/**
 * The pure policy scheduler: {@code (configuration + status, now) -> plan}. Deterministic; Pacemaker's
 * scheduler semantics for the primitive subset (see docs/policy.md).
 */
public final class PolicyScheduler {
    private PolicyScheduler() {}

    /** Placements and the transition. */
    public static Plan plan(Cib cib, Instant now) {
        return Engine.run(cib, now, Engine.Options.PLAN_ONLY).plan();
    }

    /** The plan with per-resource explanations (scores and the reasons behind them). */
    public static Plan explain(Cib cib, Instant now) {
        return Engine.run(cib, now, new Engine.Options(true, true, false)).plan();
    }

    /** What crm_simulate -S shows: current status, plan, revised status, optionally scores. */
    public static Simulation simulate(Cib cib, Instant now, boolean scores) {
        return Engine.run(cib, now, new Engine.Options(scores, false, true));
    }
}
