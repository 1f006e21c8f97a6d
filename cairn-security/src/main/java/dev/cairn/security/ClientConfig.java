package dev.cairn.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CLI's {@code client.yaml}: the controller's {@code url}, {@code ca} (the path of the cluster
 * CA certificate; a relative path is relative to the file's directory) and the {@code token}.
 * Written 0600, since it holds a token.
 *
 * <p>{@link #resolve} decides what the CLI uses, field by field: flags ({@code --url},
 * {@code --ca}, {@code --token}), then the environment ({@code CAIRN_URL}, {@code CAIRN_CACERT},
 * {@code CAIRN_TOKEN}), then one file: the one {@code CAIRN_CONFIG} names (which must exist),
 * else {@code ./.cairn/client.yaml}, else {@code ~/.config/cairn/client.yaml}. Fields are never
 * taken from two files, so one cluster's URL is never paired with another's token.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientConfig(String url, String ca, String token) {
    public static final String FILE_NAME = "client.yaml";
    public static final String ENV_URL = "CAIRN_URL";
    public static final String ENV_CA = "CAIRN_CACERT";
    public static final String ENV_TOKEN = "CAIRN_TOKEN";
    public static final String ENV_CONFIG = "CAIRN_CONFIG";

    /** Reads a client.yaml; a missing file is empty. */
    public static Optional<ClientConfig> read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read client configuration " + file + ": " + e.getMessage(),
                    "check its permissions, or point CAIRN_CONFIG elsewhere");
        }
        try {
            if (new String(data, StandardCharsets.UTF_8).isBlank()) return Optional.of(new ClientConfig(null, null, null));
            return Optional.of(Json.YAML.readValue(data, ClientConfig.class));
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new CairnException(ErrorCode.INVALID_INPUT, "client configuration " + file + " is not valid YAML with url, ca, token: " + why,
                    "fix the file or write it again with 'cairn up'");
        }
    }

    /** Writes the file with permissions 0600. */
    public void write(Path file) {
        try {
            SecureFiles.writePrivate(file, Json.YAML.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the client configuration", e);
        }
    }

    /** What the CLI was given: flags (null when absent), the environment, the working and home directories. */
    public record Inputs(String urlFlag, String caFlag, String tokenFlag, Map<String, String> env, Path workDir, Path homeDir) {}

    /** The outcome: where each field came from is kept for error messages and {@code cairn status}. */
    public record Resolved(String url, Optional<Path> ca, Optional<String> token, Optional<Path> file) {}

    /** {@link #resolve(Inputs, Function)} reading files from the file system. */
    public static Resolved resolve(Inputs in) {
        return resolve(in, ClientConfig::read);
    }

    /** Resolves the settings from {@code in}, reading config files only through {@code files}. */
    public static Resolved resolve(Inputs in, Function<Path, Optional<ClientConfig>> files) {
        Map<String, String> env = in.env();
        Path file = null;
        ClientConfig cfg = null;
        String named = blankToNull(env.get(ENV_CONFIG));
        if (named != null) {
            file = in.workDir().resolve(named).normalize();
            cfg = files.apply(file).orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND,
                    "CAIRN_CONFIG names " + in.workDir().resolve(named).normalize() + ", which does not exist",
                    "point CAIRN_CONFIG at the client.yaml that 'cairn up --data DIR' wrote (DIR/client.yaml), or unset it"));
        } else {
            for (Path candidate : new Path[] {in.workDir().resolve(".cairn").resolve(FILE_NAME),
                    in.homeDir() == null ? null : in.homeDir().resolve(".config").resolve("cairn").resolve(FILE_NAME)}) {
                if (candidate == null) continue;
                Optional<ClientConfig> c = files.apply(candidate);
                if (c.isPresent()) {
                    file = candidate;
                    cfg = c.get();
                    break;
                }
            }
        }
        String url = first(in.urlFlag(), env.get(ENV_URL), cfg == null ? null : cfg.url());
        String caText = first(in.caFlag(), env.get(ENV_CA), null);
        Path ca = caText != null ? in.workDir().resolve(caText).normalize() : null;
        if (ca == null && cfg != null && blankToNull(cfg.ca()) != null) ca = file.getParent().resolve(cfg.ca().trim()).normalize();
        String token = first(in.tokenFlag(), env.get(ENV_TOKEN), cfg == null ? null : cfg.token());
        return new Resolved(url == null ? ApiClient.DEFAULT_URL : url, Optional.ofNullable(ca), Optional.ofNullable(token), Optional.ofNullable(file));
    }

    private static String first(String... values) {
        for (String v : values) {
            String t = blankToNull(v);
            if (t != null) return t;
        }
        return null;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }
}
