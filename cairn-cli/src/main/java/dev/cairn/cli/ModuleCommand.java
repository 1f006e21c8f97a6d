package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.states.sign.ModuleKeys;
import dev.cairn.states.sign.ModuleSignature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn module keygen|sign}: Ed25519 keys and signatures for extension modules. */
@Command(name = "module", mixinStandardHelpOptions = true,
        description = "Sign extension state modules (executables speaking JSON on stdin/stdout).",
        subcommands = {ModuleCommand.Keygen.class, ModuleCommand.Sign.class})
public final class ModuleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static int fail(CommandSpec spec, CairnException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + e.getMessage());
        if (e.hint() != null) err.println("hint: " + e.hint());
        err.flush();
        return e.code().exitCode();
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create an Ed25519 key pair: NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (X.509 PEM) to trust on nodes.")
    static final class Keygen implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "path prefix for NAME.key and NAME.pub")
        Path name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                List<Path> written = ModuleKeys.write(ModuleKeys.generate(), name);
                PrintWriter out = spec.commandLine().getOut();
                out.println("private key " + written.get(0));
                out.println("public key  " + written.get(1) + "  (copy it into each node's trusted-keys directory)");
                out.flush();
                return 0;
            } catch (CairnException e) {
                return fail(spec, e);
            }
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign an extension module: writes FILE.sig (or --out) binding the module NAME to the file's bytes.")
    static final class Sign implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "the module executable; its file name is the module name")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "KEY", description = "Ed25519 private key (PKCS#8 PEM or DER)")
        Path key;

        @Option(names = "--name", paramLabel = "NAME", description = "module name (default: the file name)")
        String moduleName;

        @Option(names = "--out", paramLabel = "SIG", description = "signature file (default: FILE.sig)")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                if (!Files.isRegularFile(file)) {
                    throw new CairnException(ErrorCode.NOT_FOUND, "module file " + file + " does not exist", "pass the module executable");
                }
                String n = moduleName != null ? moduleName : file.getFileName().toString();
                String sig = ModuleSignature.sign(n, Files.readAllBytes(file), ModuleKeys.readPrivate(key));
                Path target = out != null ? out : file.resolveSibling(file.getFileName() + ".sig");
                Files.writeString(target, sig);
                spec.commandLine().getOut().println("signed module " + n + " → " + target);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (CairnException e) {
                return fail(spec, e);
            } catch (IOException e) {
                return fail(spec, new CairnException(ErrorCode.INVALID_INPUT, "cannot sign " + file + ": " + e.getMessage(), null));
            }
        }
    }
}
