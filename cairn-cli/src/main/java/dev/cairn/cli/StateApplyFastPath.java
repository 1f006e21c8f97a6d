package dev.cairn.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code cairn state apply SOURCE --local …} without building picocli's command model. Building
 * the model of every cairn command costs more than a whole local apply of a few hundred states
 * (picocli's classes are Java 5 class files, which the JVM's class-data sharing cannot archive,
 * so they are loaded and verified on every start). This parser accepts only the plain spelling of
 * that one command: {@code state apply}, one SOURCE, {@code --local}, and the options below, each
 * at most once, as {@code --opt value} or {@code --opt=value}. Anything else (help, other
 * commands, {@code --target}, a repeated or unknown option, {@code @argfiles}, {@code --}, a value
 * that looks like an option or does not convert) returns {@code null} and goes through picocli,
 * so usage errors and help read exactly the same either way.
 */
final class StateApplyFastPath {
    private StateApplyFastPath() {}

    private static final Set<String> FLAGS = Set.of("--local", "--test", "--json", "--failhard");
    private static final Set<String> VALUED = Set.of("--mode", "--parallelism", "--state-dir", "--modules", "--trusted-keys");

    /** The exit code, or null when picocli must handle these arguments. */
    static Integer run(String[] args) {
        return run(args, System.out, System.err);
    }

    static Integer run(String[] args, PrintStream stdout, PrintStream stderr) {
        StateApplyCommand c = parse(args);
        if (c == null) return null;
        warmProcessLogger();
        Charset cs = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, cs), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, cs), true);
        int code = c.run(out, err);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The JDK's ProcessBuilder asks for a System.Logger on its first start(), and the JDK answers
     * the first such request by searching every jar on the class path for a logger service (about
     * a hundred jars in the distribution, so tens of milliseconds). Asking for that logger on a
     * background thread now lets the search overlap reading and compiling the SLS instead of
     * delaying the first cmd.run; it changes nothing else (same logger, same configuration).
     */
    private static void warmProcessLogger() {
        Thread t = new Thread(() -> System.getLogger("java.lang.ProcessBuilder"), "logger-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The command with its fields set as picocli would set them, or null (see the class comment). */
    static StateApplyCommand parse(String[] args) {
        if (args.length < 4 || !"state".equals(args[0]) || !"apply".equals(args[1])) return null;
        StateApplyCommand c = new StateApplyCommand();
        c.mode = "ansible";
        Set<String> seen = new HashSet<>();
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.isEmpty() || a.startsWith("@")) return null;
            if (!a.startsWith("-")) {
                if (c.source != null) return null;
                c.source = a;
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (!seen.add(name)) return null;
            if (FLAGS.contains(name)) {
                if (value != null) return null;
                switch (name) {
                    case "--local" -> c.local = true;
                    case "--test" -> c.test = true;
                    case "--json" -> c.json = true;
                    default -> c.failhard = true;
                }
                continue;
            }
            if (!VALUED.contains(name)) return null;
            if (value == null) {
                if (++i >= args.length) return null;
                value = args[i];
            }
            if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) return null;
            try {
                switch (name) {
                    case "--mode" -> c.mode = value;
                    case "--parallelism" -> {
                        if (!value.matches("0|[1-9][0-9]{0,8}")) return null;
                        c.parallelism = Integer.valueOf(value);
                    }
                    case "--state-dir" -> c.stateDir = Path.of(value);
                    case "--modules" -> c.modulesDir = Path.of(value);
                    default -> c.trustedKeys = Path.of(value);
                }
            } catch (InvalidPathException e) {
                return null;
            }
        }
        return c.local && c.source != null ? c : null;
    }
}
