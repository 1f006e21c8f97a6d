package dev.cairn.states.exec;

import dev.cairn.states.compile.ModuleInfo;

/** A state module (cmd, file, pkg, …): applies one state function, idempotently. */
public interface StateModule {
    ModuleInfo info();

    /** Applies (or, when {@code call.test()}, predicts) the state. Never throws for expected failures. */
    StateReturn call(StateCall call);

    /** What a fired {@code watch} does (e.g. restart a service); only called when {@link ModuleInfo#modWatch()}. */
    default StateReturn modWatch(StateCall call) {
        return call(call);
    }
}
