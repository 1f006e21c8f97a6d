package dev.cairn.policy.engine;

import dev.cairn.policy.Score;

/** Package-local shorthands for score arithmetic. */
final class Scores {
    static final int INF = Score.INFINITY;

    private Scores() {}

    static int add(int a, int b) { return Score.add(a, b); }
}
