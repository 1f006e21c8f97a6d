package dev.cairn.states.modules;

import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cmd.run: a string runs through {@code /bin/sh -c}; a list is an argv that never goes through
 * a shell. Arguments: cwd, env (mapping or list of mappings), timeout (seconds), runas (root
 * only), creates, unless, onlyif, stateful=false. Result = retcode 0; changes carry pid,
 * retcode, stdout and stderr (as Salt's do), so a cmd.run that ran always reports changes.
 */
public final class CmdModule implements StateModule {
    private static final ModuleInfo INFO = new ModuleInfo("cmd", Set.of("run"), true, ModuleInfo.Kind.OTHER);

    @Override public ModuleInfo info() { return INFO; }

    @Override
    public StateReturn call(StateCall c) {
        Object cmd = c.args().containsKey("argv") ? c.args().get("argv") : c.args().get("name");
        String display = cmd instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : String.valueOf(cmd);
        Proc.Options opts = options(c);
        List<String> creates = c.strings("creates");
        if (!creates.isEmpty() && creates.stream().allMatch(p -> Files.exists(resolve(opts.cwd(), p)))) {
            return StateReturn.ok("All files in creates exist").withSkipWatch();
        }
        List<String> comments = new ArrayList<>();
        if (c.args().containsKey("onlyif")) {
            for (String check : c.strings("onlyif")) {
                if (Proc.run(Proc.shell(check), opts).retcode() != 0) {
                    return StateReturn.ok("onlyif condition is false").withSkipWatch();
                }
            }
            comments.add("onlyif condition is true");
        }
        if (c.args().containsKey("unless")) {
            boolean allTrue = true;
            for (String check : c.strings("unless")) if (Proc.run(Proc.shell(check), opts).retcode() != 0) allTrue = false;
            if (allTrue) return StateReturn.ok("unless condition is true").withSkipWatch();
            comments.add("unless condition is false");
        }
        if (c.test()) {
            return StateReturn.wouldChange(Map.of(), "Command \"" + display + "\" would have been executed");
        }
        List<String> argv = cmd instanceof List<?> l ? l.stream().map(String::valueOf).toList() : argv(String.valueOf(cmd));
        Proc.Result r = Proc.run(argv, opts);
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("pid", r.pid());
        changes.put("retcode", r.retcode());
        changes.put("stderr", r.stderr());
        changes.put("stdout", r.stdout());
        String comment = r.timedOut() ? "Command \"" + display + "\" timed out after " + opts.timeoutSeconds() + "s"
                : r.error() != null ? "Command \"" + display + "\" could not start: " + r.error()
                : "Command \"" + display + "\" run";
        Map<String, Object> outputs = Map.of("stdout", r.stdout(), "stderr", r.stderr(), "retcode", r.retcode());
        return new StateReturn(r.retcode() == 0 && !r.timedOut() && r.error() == null, changes, comment, outputs, false);
    }

    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" +");
    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("/[A-Za-z0-9_./=:,+@%-]*( +[A-Za-z0-9_./=:,+@%-]+)* *");

    /**
     * A command string runs through {@code /bin/sh -c}, except a plain absolute command with plain
     * words (no quoting, variables, globs, redirections or operators), which the shell would exec
     * unchanged anyway: that one is exec'd directly and saves a shell per state.
     */
    static List<String> argv(String command) {
        if (PLAIN.matcher(command).matches()) return List.of(SPACES.split(command.trim()));
        return Proc.shell(command);
    }

    static Proc.Options options(StateCall c) {
        Map<String, String> env = new LinkedHashMap<>(c.context() == null ? Map.of() : c.context().env());
        Object e = c.args().get("env");
        if (e instanceof Map<?, ?> m) m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        else if (e instanceof List<?> l) for (Object x : l) if (x instanceof Map<?, ?> m) m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        Object t = c.args().get("timeout");
        double timeout = t == null ? 0 : Double.parseDouble(String.valueOf(t));
        return new Proc.Options(c.string("cwd"), env, timeout, c.string("runas"), c.string("stdin"));
    }

    private static Path resolve(String cwd, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() || cwd == null ? path : Path.of(cwd).resolve(path);
    }
}
