package dev.cairn.controller.deploy;

import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service of a deployment: what to run (argv, environment), how to monitor it, and its policy
 * meta attributes (Pacemaker's names: {@code migration-threshold}, {@code resource-stickiness},
 * {@code target-role}, {@code priority}, {@code multiple-active}, ...).
 */
public record ServiceDef(String id, List<String> command, Map<String, String> env, MonitorDef monitor, Map<String, String> meta) {
    public ServiceDef {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(new TreeMap<>(env));
        monitor = monitor == null ? MonitorDef.PROCESS : monitor;
        meta = meta == null ? Map.of() : Map.copyOf(new TreeMap<>(meta));
    }

    /**
     * What identifies a running copy: the command, environment and monitor. A copy whose hash differs
     * from the definition's is restarted; changing only policy meta (placement) restarts nothing.
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
