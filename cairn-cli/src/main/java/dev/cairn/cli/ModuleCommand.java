package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.states.sign.ModuleKeys;
import dev.cairn.states.sign.ModuleSignature;
import dev.cairn.states.sign.PublishedModule;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.api.ApiClient;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn module keygen|sign|publish|list|remove}: Ed25519 keys and signatures for extension
 * modules, and the cluster's published modules.
 */
@Command(name = "module", mixinStandardHelpOptions = true,
        description = "Sign and publish extension state modules (executables speaking JSON on stdin/stdout).",
        subcommands = {ModuleCommand.Keygen.class, ModuleCommand.Sign.class, ModuleCommand.Publish.class, ModuleCommand.ListModules.class,
                ModuleCommand.Remove.class})
public final class ModuleCommand extends CommandGroup {
    /**
     * Keygen and sign run offline, also under a bare {@code CommandLine} (no Cairn error handler):
     * they report their own errors as one line plus a hint, with the error's exit code.
     */
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

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Publish an extension module to the cluster.",
                    "FILE: signed here with --key (Ed25519) and stored with its signature in package storage.",
                    "URL (http:// or https://): agents fetch the executable from URL and its signature from URL.sig (made with",
                    "'cairn module sign'); nothing is stored but the reference.",
                    "Either way agents run it only after the signature verifies against their trusted keys."})
    static final class Publish implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "NAME", description = "the module name states call (NAME.FUNCTION)")
        String name;

        @Parameters(index = "1", paramLabel = "FILE|URL", description = "the module executable, or the http(s) URL it is served at")
        String source;

        @Option(names = "--key", paramLabel = "KEY", description = "Ed25519 private key (PKCS#8 PEM or DER) to sign FILE with")
        Path key;

        @Option(names = "--function", paramLabel = "FN", split = ",",
                description = "a function states may call (repeatable or comma-separated); default: any")
        List<String> functions = new java.util.ArrayList<>();

        @Option(names = "--json", description = "Print the published module as JSON.")
        boolean json;

        @Override
        public Integer call() {
            PublishedModule.requireName(name);
            List<String> fns = PublishedModule.requireFunctions(functions);
            boolean url = source.startsWith("http://") || source.startsWith("https://");
            JsonNode published;
            if (url) {
                PublishedModule.requireUrl(source);
                if (key != null) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "--key signs a FILE; a module published by URL is signed where it is served",
                            "sign it with 'cairn module sign FILE --name " + name + " --key KEY' and serve FILE.sig at " + source + ".sig");
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("url", source);
                body.put("functions", fns);
                published = client.client().post("/api/v1/modules/" + name, body);
            } else {
                Path file = Path.of(source);
                if (key == null) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "publishing " + source + " needs --key PRIVATE_KEY to sign it",
                            "create a key pair with 'cairn module keygen NAME' and trust NAME.pub on the nodes");
                }
                if (!Files.isRegularFile(file)) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "module file " + file + " does not exist", "pass the module executable (or an http(s) URL)");
                }
                if (!Files.isRegularFile(key)) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "private key " + key + " does not exist",
                            "check the path given to --key, or create a key pair with 'cairn module keygen NAME'");
                }
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (IOException e) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(), null);
                }
                String sig = ModuleSignature.sign(name, bytes, ModuleKeys.readPrivate(key)).trim();
                String q = "?signature=" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
                        + (fns.isEmpty() ? "" : "&functions=" + URLEncoder.encode(String.join(",", fns), StandardCharsets.UTF_8));
                ApiClient api = new ApiClient(client.client().base().toString(), Duration.ofMinutes(10));
                published = api.postStream("/api/v1/modules/" + name + q, "application/octet-stream",
                        () -> new ByteArrayInputStream(bytes), Duration.ofMinutes(10));
            }
            if (json) return client.json(published);
            return client.line("published module " + name + " (" + describe(published) + ")");
        }
    }

    /** A module as the API answers it ({@code --json} prints the answer itself). */
    private static PublishedModule module(JsonNode answer) {
        return Json.MAPPER.convertValue(answer, PublishedModule.class);
    }

    /** The first 12 hex digits of a stored module's sha256. */
    private static String shortSha(PublishedModule m) {
        String sha = m.sha256() == null ? "" : m.sha256();
        return sha.substring(0, Math.min(12, sha.length()));
    }

    static String describe(JsonNode answer) {
        PublishedModule m = module(answer);
        String fns = m.functions().isEmpty() ? "any function" : "functions " + String.join(", ", m.functions());
        if (m.fromUrl()) return "from " + m.url() + ", " + fns;
        return "sha256 " + shortSha(m) + ", " + (m.size() == null ? 0 : m.size()) + " bytes in package storage, " + fns;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the cluster's published extension modules.")
    static final class ListModules implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--json", description = "Print JSON: {\"modules\":[{name,source,url,sha256,size,functions,publishedAt}]}.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/modules");
            if (json) return client.json(r);
            Table t = new Table("NAME", "SOURCE", "SHA256/URL", "FUNCTIONS", "PUBLISHED");
            for (JsonNode answer : r.path("modules")) {
                PublishedModule m = module(answer);
                t.row(m.name(), m.source(), m.fromUrl() ? m.url() : shortSha(m),
                        m.functions().isEmpty() ? "*" : String.join(",", m.functions()),
                        m.publishedAt() == null ? "" : m.publishedAt().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            return client.table(t);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a published extension module (its manifest and every stored version).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            PublishedModule.requireName(name);
            client.client().delete("/api/v1/modules/" + name);
            return client.line("removed module " + name);
        }
    }
}
