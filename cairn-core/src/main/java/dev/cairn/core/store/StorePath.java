package dev.cairn.core.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A typed, absolute path in the coordination store. Segments are encoded so that any user value
 * (a package coordinate like {@code spark@2.3.0-1.0.0}, a node name) is one safe segment: ZooKeeper
 * znode names and etcd key segments alike.
 */
public record StorePath(List<String> segments) implements Comparable<StorePath> {
    public static final StorePath ROOT = new StorePath(List.of());

    public StorePath {
        segments = List.copyOf(segments);
        for (String s : segments) {
            if (s.isEmpty() || s.contains("/") || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("illegal store path segment '" + s + "'");
            }
        }
    }

    public static StorePath of(String... rawSegments) {
        StorePath p = ROOT;
        for (String s : rawSegments) p = p.child(s);
        return p;
    }

    /** Parses an encoded path such as {@code /cairn/nodes/node-1}. */
    public static StorePath parse(String encoded) {
        if (encoded == null || !encoded.startsWith("/")) {
            throw new IllegalArgumentException("store path must be absolute: " + encoded);
        }
        List<String> segs = new ArrayList<>();
        for (String s : encoded.split("/")) {
            if (!s.isEmpty()) segs.add(s);
        }
        return new StorePath(segs);
    }

    /** Appends one raw (unencoded) segment. */
    public StorePath child(String raw) {
        List<String> segs = new ArrayList<>(segments);
        segs.add(encode(raw));
        return new StorePath(segs);
    }

    public StorePath parent() {
        if (segments.isEmpty()) return this;
        return new StorePath(segments.subList(0, segments.size() - 1));
    }

    /** The last segment, decoded. */
    public String name() {
        return segments.isEmpty() ? "" : decode(segments.get(segments.size() - 1));
    }

    public boolean isRoot() { return segments.isEmpty(); }

    public boolean startsWith(StorePath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    /** All ancestors from the first segment down to (excluding) this path. */
    public List<StorePath> ancestors() {
        List<StorePath> out = new ArrayList<>();
        for (int i = 1; i < segments.size(); i++) out.add(new StorePath(segments.subList(0, i)));
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
    }

    @Override
    public int compareTo(StorePath o) {
        return toString().compareTo(o.toString());
    }

    /** Encodes a raw value into a segment: letters, digits, '.', '_', '-' stay; everything else is %XX. */
    public static String encode(String raw) {
        if (raw == null || raw.isEmpty()) throw new IllegalArgumentException("empty store path segment");
        StringBuilder sb = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (c == '.' && !raw.equals(".") && !raw.equals(".."))) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    public static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
