package dev.cairn.states.sign;

import dev.cairn.core.Json;
import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import dev.cairn.states.modules.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Extension modules: executables named after the module ({@code <dir>/<name>}) with a signature
 * file beside them ({@code <name>.sig}). They speak JSON: the state call on stdin
 * ({@code {module, function, name, args, test}}), the return on stdout
 * ({@code {result, changes, comment}}). A module runs only after its Ed25519 signature verifies
 * against the node's trusted keys, checked again on every call on a private verified copy.
 */
public final class ExtensionModules {
    private ExtensionModules() {}

    /** Loaded modules and the ones refused (name → reason). */
    public record Loaded(Map<String, StateModule> modules, Map<String, String> refused) {}

    public static Loaded load(Path dir, List<PublicKey> trusted, Path stateDir) {
        Map<String, StateModule> ok = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        if (dir == null || !Files.isDirectory(dir)) return new Loaded(ok, refused);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".sig") || name.startsWith(".") || !Files.isRegularFile(p)) continue;
                String reason = check(name, p, trusted);
                if (reason == null) ok.put(name, new Extension(name, p, trusted, stateDir, Set.of()));
                else refused.put(name, reason);
            }
        } catch (IOException e) {
            refused.put(dir.toString(), "cannot list extension modules: " + e.getMessage());
        }
        return new Loaded(ok, refused);
    }

    /** A fetched module: the verified module, or why it is refused (exactly one is set). */
    public record Installed(String name, StateModule module, String refused) {}

    /**
     * Verifies a module fetched from the cluster (package storage or an http(s) URL) before anything
     * runs: the signature ({@code null} = unsigned) must verify against {@code trusted}, and when
     * {@code expectedSha256} is given the bytes must be the ones published. A verified module is
     * written to {@code dir} ({@code <name>} and {@code <name>.sig}) and, like a local one, verified
     * again before every call; it accepts {@code functions} (empty = any).
     */
    public static Installed install(String name, byte[] bytes, String signature, String expectedSha256, List<String> functions,
                                    List<PublicKey> trusted, Path dir, Path stateDir) {
        if (signature == null || signature.isBlank()) return new Installed(name, null, "unsigned: there is no signature for it");
        if (trusted.isEmpty()) return new Installed(name, null, "no trusted public keys on this node");
        if (!ModuleSignature.verify(name, bytes, signature, trusted)) {
            return new Installed(name, null, "signature does not verify against the trusted keys (module tampered with or signed by an untrusted key)");
        }
        if (expectedSha256 != null && !expectedSha256.equals(sha256Hex(bytes))) {
            return new Installed(name, null, "its bytes (sha256 " + sha256Hex(bytes) + ") are not the published ones (sha256 " + expectedSha256 + ")");
        }
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            writeAtomically(dir, file.resolveSibling(name + ".sig"), signature.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            writeAtomically(dir, file, bytes);
            return new Installed(name, new Extension(name, file, trusted, stateDir, Set.copyOf(functions)), null);
        } catch (IOException e) {
            return new Installed(name, null, "cannot be stored on this node: " + e.getMessage());
        }
    }

    private static void writeAtomically(Path dir, Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(dir, ".fetch", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The names of the modules {@code high} declares states of that are not built in (sorted). */
    public static java.util.SortedSet<String> referenced(dev.cairn.states.compile.HighData high) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        Set<String> builtins = dev.cairn.states.modules.Modules.builtins().keySet();
        for (var b : high.blocks()) {
            for (var d : b.states()) {
                if (d.module() != null && !builtins.contains(d.module())) out.add(d.module());
            }
        }
        return out;
    }

    /**
     * A stand-in for a published module where it is only compiled, never run (the controller, or
     * an agent that refused it): it accepts the published functions, and a call fails with {@code reason}.
     */
    public static StateModule unavailable(PublishedModule m, String reason) {
        ModuleInfo info = new ModuleInfo(m.name(), Set.copyOf(m.functions()), false, ModuleInfo.Kind.OTHER);
        return new StateModule() {
            @Override public ModuleInfo info() { return info; }

            @Override public StateReturn call(StateCall c) { return StateReturn.failed("Extension module '" + m.name() + "' " + reason); }
        };
    }

    /** Null when the module verifies, else why it is refused. */
    public static String check(String name, Path file, List<PublicKey> trusted) {
        try {
            return checkBytes(name, Files.readAllBytes(file), file.resolveSibling(name + ".sig"), trusted);
        } catch (IOException e) {
            return "cannot read " + file + ": " + e.getMessage();
        }
    }

    private static String checkBytes(String name, byte[] bytes, Path sigFile, List<PublicKey> trusted) throws IOException {
        if (!Files.exists(sigFile)) return "unsigned: no signature file " + sigFile.getFileName();
        if (trusted.isEmpty()) return "no trusted public keys on this node";
        if (!ModuleSignature.verify(name, bytes, Files.readString(sigFile), trusted)) {
            return "signature does not verify against the trusted keys (module tampered with or signed by an untrusted key)";
        }
        return null;
    }

    private static final class Extension implements StateModule {
        private final String name;
        private final Path file;
        private final List<PublicKey> trusted;
        private final Path stateDir;
        private final ModuleInfo info;

        Extension(String name, Path file, List<PublicKey> trusted, Path stateDir, Set<String> functions) {
            this.name = name;
            this.file = file;
            this.trusted = trusted;
            this.stateDir = stateDir;
            this.info = new ModuleInfo(name, functions, false, ModuleInfo.Kind.OTHER);
        }

        @Override public ModuleInfo info() { return info; }

        @Override
        public StateReturn call(StateCall c) {
            Path copy;
            try {
                byte[] bytes = Files.readAllBytes(file);
                String reason = checkBytes(name, bytes, file.resolveSibling(name + ".sig"), trusted);
                if (reason != null) return StateReturn.failed("Extension module '" + name + "' refused: " + reason);
                Path dir = stateDir.resolve("verified-modules");
                Files.createDirectories(dir);
                copy = dir.resolve(name + "-" + sha256(bytes));
                if (!Files.exists(copy)) {
                    Path tmp = Files.createTempFile(dir, name, ".tmp");
                    Files.write(tmp, bytes);
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
                    Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                return StateReturn.failed("Extension module '" + name + "' cannot be prepared: " + e.getMessage());
            }
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("module", name);
            in.put("function", c.function());
            in.put("name", c.name());
            in.put("args", c.args());
            in.put("test", c.test());
            Proc.Result r = Proc.run(List.of(copy.toString()), new Proc.Options(null, c.context() == null ? Map.of() : c.context().env(),
                    300, null, Json.string(in)));
            if (r.retcode() != 0 && r.stdout().isBlank()) {
                return StateReturn.failed("Extension module '" + name + "' exited with " + r.retcode() + ": " + r.stderr());
            }
            try {
                Map<?, ?> out = Json.MAPPER.readValue(r.stdout(), Map.class);
                Object result = out.get("result");
                Map<String, Object> changes = new LinkedHashMap<>();
                if (out.get("changes") instanceof Map<?, ?> ch) ch.forEach((k, v) -> changes.put(String.valueOf(k), v));
                Map<String, Object> outputs = Map.of("stdout", r.stdout(), "stderr", r.stderr(), "retcode", r.retcode());
                return new StateReturn(result == null ? null : Boolean.TRUE.equals(result), changes,
                        String.valueOf(out.get("comment") == null ? "" : out.get("comment")), outputs, false);
            } catch (IOException e) {
                return StateReturn.failed("Extension module '" + name + "' returned invalid JSON: " + r.stdout().lines().findFirst().orElse(""));
            }
        }
    }

    static String sha256(byte[] b) {
        return sha256Hex(b).substring(0, 16);
    }

    /** The lower-case hex SHA-256 of {@code b}. */
    public static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
