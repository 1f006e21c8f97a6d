package dev.cairn.states.modules;

import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import java.util.Map;
import java.util.Set;

/** Salt's test states: succeed/fail with/without changes, nop, show_notification. */
public final class TestModule implements StateModule {
    private static final ModuleInfo INFO = new ModuleInfo("test", Set.of("succeed_with_changes", "succeed_without_changes",
            "fail_with_changes", "fail_without_changes", "nop", "show_notification"), true, ModuleInfo.Kind.OTHER);

    @Override public ModuleInfo info() { return INFO; }

    private static Map<String, Object> pretend() {
        return StateReturn.map("testing", StateReturn.map("old", "Unchanged", "new", "Something pretended to change"));
    }

    @Override
    public StateReturn call(StateCall c) {
        String success = c.string("comment", "Success!");
        String failure = c.string("comment", "Failure!");
        return switch (c.function()) {
            case "succeed_without_changes", "nop" -> StateReturn.ok(success);
            case "fail_without_changes" -> c.test()
                    ? new StateReturn(null, Map.of(), "If we weren't testing, this would be a failure!", Map.of(), false)
                    : StateReturn.failed(failure);
            case "succeed_with_changes" -> c.test()
                    ? StateReturn.wouldChange(pretend(), "If we weren't testing, this would be successful with changes")
                    : StateReturn.changed(pretend(), success);
            case "fail_with_changes" -> c.test()
                    ? StateReturn.wouldChange(pretend(), "If we weren't testing, this would be failed with changes")
                    : new StateReturn(false, pretend(), failure, Map.of(), false);
            case "show_notification" -> StateReturn.ok(c.string("text", ""));
            default -> StateReturn.failed("test." + c.function() + " is not available");
        };
    }

    @Override
    public StateReturn modWatch(StateCall c) {
        return new StateReturn(true, Map.of(), "Watch statement fired.", Map.of(), false);
    }
}
