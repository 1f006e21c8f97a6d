package dev.cairn.storeetcd;

import dev.cairn.core.store.StorePath;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The etcd key layout of the store's entries. etcd has a flat, ordered key space with range reads
 * and range watches; the layout makes the two tree questions the port asks one range each:
 *
 * <pre>
 *   entry /a/b/c      key  /cairn/a/b//c      (the parent's path, then "//", then the last segment)
 *   entry /nodes      key  /cairn//nodes
 *   children of /a/b  the keys starting with /cairn/a/b//   (exactly the direct children)
 *   below /a/b        the keys starting with /cairn/a/b/    (every descendant, any depth)
 *   counter of /a/b   key  /cairn.seq/a/b                   (CreateSequential's per-parent counter)
 * </pre>
 *
 * Segments never contain '/' and are never empty ({@link StorePath} guarantees both), so "//"
 * occurs once in a key, right before its last segment: after {@code /cairn/a/b/} comes either a
 * second '/' (a child of /a/b) or a segment (something deeper). The entry itself is not below
 * itself, so a watch of a path reads its own key and the range below it. Counters live outside
 * the {@code /cairn/} range, so no listing or watch of entries sees them.
 */
final class EtcdKeys {
    static final String ROOT = "/cairn";
    static final String COUNTERS = "/cairn.seq";

    private EtcdKeys() {}

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** The key of an entry. The root is not an entry. */
    static String key(StorePath path) {
        if (path.isRoot()) throw new IllegalArgumentException("the root is not an entry");
        StringBuilder sb = new StringBuilder(ROOT);
        List<String> segs = path.segments();
        for (int i = 0; i < segs.size() - 1; i++) sb.append('/').append(segs.get(i));
        return sb.append("//").append(segs.get(segs.size() - 1)).toString();
    }

    /** The prefix of the keys of the direct children of {@code path}. */
    static String childrenPrefix(StorePath path) {
        return (path.isRoot() ? ROOT : ROOT + path) + "//";
    }

    /** The prefix of the keys of everything below {@code path} (not the entry itself). */
    static String subtreePrefix(StorePath path) {
        return (path.isRoot() ? ROOT : ROOT + path) + "/";
    }

    /** The key of the per-parent counter of sequential entries. */
    static String counterKey(StorePath parent) {
        return COUNTERS + (parent.isRoot() ? "/" : parent.toString());
    }

    /** The entry path of a key made by {@link #key}. */
    static StorePath path(String key) {
        if (!key.startsWith(ROOT + "/")) throw new IllegalArgumentException("not an entry key: " + key);
        String rest = key.substring(ROOT.length());
        int sep = rest.indexOf("//");
        if (sep < 0) throw new IllegalArgumentException("not an entry key: " + key);
        List<String> segs = new ArrayList<>();
        if (sep > 0) segs.addAll(Arrays.asList(rest.substring(1, sep).split("/")));
        segs.add(rest.substring(sep + 2));
        return new StorePath(segs);
    }

    static StorePath path(ByteSequence key) {
        return path(key.toString(StandardCharsets.UTF_8));
    }

    /** The decoded name of a child from its key (the part after the children prefix). */
    static String childName(String key, String childrenPrefix) {
        return StorePath.decode(key.substring(childrenPrefix.length()));
    }

    /** The end of the range of keys that start with {@code prefix} (its last byte plus one). */
    static ByteSequence prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] end = Arrays.copyOf(b, b.length);
        end[end.length - 1]++;
        return ByteSequence.from(end);
    }
}
