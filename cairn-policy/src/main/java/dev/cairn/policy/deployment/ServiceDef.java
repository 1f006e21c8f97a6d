package dev.cairn.policy.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service of a deployment: what to run (argv, environment), how to monitor it, its policy
 * meta attributes (Pacemaker's names: {@code migration-threshold}, {@code resource-stickiness},
 * {@code target-role}, {@code priority}, {@code multiple-active}, ...) and what a failed monitor
 * does ({@code onFail}; null is Pacemaker's default, restart). Maps are kept sorted, so the stored
 * form of a definition is always the same bytes.
 */
public record ServiceDef(String id, List<String> command, Map<String, String> env, MonitorDef monitor, Map<String, String> meta,
                         @JsonInclude(JsonInclude.Include.NON_NULL) OnFail onFail) {
    public ServiceDef {
        command = List.copyOf(command);
        env = sorted(env);
        monitor = monitor == null ? MonitorDef.PROCESS : monitor;
        meta = sorted(meta);
    }

    /** A service with Pacemaker's default on-fail. */
    public ServiceDef(String id, List<String> command, Map<String, String> env, MonitorDef monitor, Map<String, String> meta) {
        this(id, command, env, monitor, meta, null);
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(m));
    }

    /**
     * What identifies a running copy: the command, environment and monitor. A copy whose hash differs
     * from the definition's is restarted; changing only policy meta or on-fail (placement) restarts nothing.
     */
    public String hash() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("command", command);
        h.put("env", new TreeMap<>(env));
        h.put("monitor", monitor);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.string(h).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
