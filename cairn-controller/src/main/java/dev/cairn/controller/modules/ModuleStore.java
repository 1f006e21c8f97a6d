package dev.cairn.controller.modules;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.StorageKey;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.StorePath;
import dev.cairn.states.sign.PublishedModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Published extension modules. The bytes and their signature live in package storage, one
 * directory per published version ({@code modules/<name>/<sha256>/module} and
 * {@code module.sig}; versions are never overwritten, so a run keeps the version it was compiled
 * against); the coordination store holds the current manifest of each name at
 * {@code /modules/<name>} ({@link PublishedModule}), written together with its event
 * ({@code module.published}, {@code module.removed}). The controller does not verify signatures
 * (it holds no trusted keys): every agent does, before it runs anything.
 */
public final class ModuleStore {
    public static final StorePath INDEX = StorePath.of("modules");
    public static final StorageKey PREFIX = new StorageKey("modules");
    public static final long MAX_MODULE_BYTES = 64L << 20;

    private final Records<PublishedModule> manifests;
    private final PackageStorage storage;
    private final Clock clock;

    public ModuleStore(CoordinationStore store, PackageStorage storage, EventLog events, Clock clock) {
        this.manifests = new Records<>(store, events, PublishedModule.class);
        this.storage = storage;
        this.clock = clock;
    }

    public static StorageKey executableKey(String name, String sha256) {
        return PREFIX.child(name + "/" + sha256 + "/module");
    }

    public static StorageKey signatureKey(String name, String sha256) {
        return PREFIX.child(name + "/" + sha256 + "/module" + PublishedModule.SIGNATURE_SUFFIX);
    }

    /** Stores a signed module's bytes and signature and makes it the current version of {@code name}. */
    public PublishedModule publish(String name, InputStream body, String signature, List<String> functions) {
        PublishedModule.requireName(name);
        List<String> fns = PublishedModule.requireFunctions(functions);
        String sig = requireSignature(signature);
        // the digest names the version's directory, so the bytes go to a staging key first
        StorageKey staging = StorageKey.STAGING.child("module-" + name + "-" + UUID.randomUUID());
        PutResult staged;
        try {
            staged = storage.put(staging, body, MAX_MODULE_BYTES);
        } catch (CairnException e) {
            storage.delete(staging);
            if (e.code() == ErrorCode.TOO_LARGE) {
                throw new CairnException(ErrorCode.TOO_LARGE, "module " + name + " is larger than " + (MAX_MODULE_BYTES >> 20) + " MiB",
                        "extension modules are small executables; ship large programs as packages");
            }
            throw e;
        }
        try {
            if (staged.size() == 0) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "module " + name + " is empty", "publish the module's executable file");
            }
            StorageKey exe = executableKey(name, staged.sha256());
            if (!storage.exists(exe)) {
                try (InputStream in = storage.open(staging)) {
                    storage.put(exe, in, MAX_MODULE_BYTES);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            storage.put(signatureKey(name, staged.sha256()), new java.io.ByteArrayInputStream(sig.getBytes(StandardCharsets.US_ASCII)));
            PublishedModule m = new PublishedModule(name, PublishedModule.STORAGE, null, staged.sha256(), staged.size(), fns, clock.instant());
            record(m, "published extension module " + name + " (sha256 " + staged.sha256().substring(0, 12) + ", "
                    + staged.size() + " bytes)");
            return m;
        } finally {
            storage.delete(staging);
        }
    }

    /** Registers a module served over http(s): agents fetch {@code url} and {@code url.sig} and verify them. */
    public PublishedModule publishUrl(String name, String url, List<String> functions) {
        PublishedModule.requireName(name);
        List<String> fns = PublishedModule.requireFunctions(functions);
        PublishedModule.requireUrl(url);
        PublishedModule m = new PublishedModule(name, PublishedModule.URL, url, null, null, fns, clock.instant());
        record(m, "published extension module " + name + " from " + url);
        return m;
    }

    /** Makes {@code m} the current version of its name, with its event. */
    private void record(PublishedModule m, String message) {
        manifests.update(INDEX.child(m.name()), cur -> Records.Change.put(m, event("module.published", m.name(), message, m)));
    }

    /** The data of a module event: where the module is, and the functions it offers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventData(String source, String sha256, String url, List<String> functions) {}

    private static EventDraft event(String type, String name, String message, PublishedModule m) {
        return new EventDraft(type, name, message, Json.MAPPER.valueToTree(new EventData(m.source(), m.sha256(), m.url(), m.functions())));
    }

    private static String requireSignature(String signature) {
        String s = signature == null ? "" : signature.trim();
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 64) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the module's signature is missing or is not a base64 Ed25519 signature",
                    "publish with 'cairn module publish NAME FILE --key KEY', which signs the file");
        }
        return s + "\n";
    }

    public Optional<PublishedModule> find(String name) {
        if (!PublishedModule.isValidName(name)) return Optional.empty();
        return manifests.find(INDEX.child(name));
    }

    public PublishedModule get(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    private static CairnException notFound(String name) {
        return new CairnException(ErrorCode.NOT_FOUND, "no published module '" + name + "'",
                "see 'cairn module list'; publish it with 'cairn module publish'");
    }

    public List<PublishedModule> list() {
        return manifests.list(INDEX);
    }

    /** The published modules among {@code names} (names that are not published are left out). */
    public Map<String, PublishedModule> resolve(Collection<String> names) {
        Map<String, PublishedModule> out = new LinkedHashMap<>();
        for (String n : names) find(n).ifPresent(m -> out.put(n, m));
        return out;
    }

    /** Removes the module: its manifest (with a {@code module.removed} event) and every stored version. */
    public PublishedModule remove(String name) {
        if (!PublishedModule.isValidName(name)) throw notFound(name);
        PublishedModule m = manifests.update(INDEX.child(name), cur -> cur
                        .map(found -> Records.Change.<PublishedModule>delete(event("module.removed", name, "removed extension module " + name, found)))
                        .orElseThrow(() -> notFound(name)))
                .before().orElseThrow();
        storage.deleteAll(PREFIX.child(name));
        return m;
    }

    /** The stored executable of one published version. */
    public InputStream openExecutable(String name, String sha256) {
        return storage.open(versionKey(name, sha256, false));
    }

    /** The stored signature of one published version; NOT_FOUND when there is none. */
    public String signature(String name, String sha256) {
        try (InputStream in = storage.open(versionKey(name, sha256, true))) {
            return new String(in.readNBytes(4096), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORAGE_ERROR, "cannot read the signature of module " + name + ": " + e.getMessage(), null);
        }
    }

    private static StorageKey versionKey(String name, String sha256, boolean sig) {
        if (!PublishedModule.isValidName(name) || sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no stored module " + name + " version " + sha256, "see 'cairn module list'");
        }
        return sig ? signatureKey(name, sha256) : executableKey(name, sha256);
    }
}
