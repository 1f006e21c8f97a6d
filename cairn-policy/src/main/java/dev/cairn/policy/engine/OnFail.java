package dev.cairn.policy.engine;

/** on-fail handling, in Pacemaker's severity order (cmp_on_fail for the supported values). */
enum OnFail {
    IGNORE, RECOVER, MIGRATE, BLOCK, STOP, STANDBY, FENCE
}
