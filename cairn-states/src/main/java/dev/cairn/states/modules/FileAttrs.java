package dev.cairn.states.modules;

import dev.cairn.states.exec.StateCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** mode / user / group handling shared by file functions. */
final class FileAttrs {
    private FileAttrs() {}

    /** Salt's mode normalisation: 644 (YAML int) and "0644" both mean rw-r--r--. */
    static Set<PosixFilePermission> mode(Object mode) {
        String s = String.valueOf(mode).trim();
        if (s.length() > 3 && s.startsWith("0")) s = s.substring(s.length() - 3);
        if (!s.matches("[0-7]{3}")) throw new IllegalArgumentException("invalid mode '" + mode + "' (use e.g. '0644')");
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            int d = ch - '0';
            b.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
        }
        return PosixFilePermissions.fromString(b.toString());
    }

    static Map<String, Object> pending(Path path, boolean exists, StateCall c) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        try {
            if (c.string("user") != null) lookup.lookupPrincipalByName(c.string("user"));
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IOException("User " + c.string("user") + " is not available");
        }
        try {
            if (c.string("group") != null) lookup.lookupPrincipalByGroupName(c.string("group"));
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IOException("Group " + c.string("group") + " is not available");
        }
        if (c.args().get("mode") != null) {
            try {
                mode(c.args().get("mode"));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage());
            }
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        Object mode = c.args().get("mode");
        String user = c.string("user");
        String group = c.string("group");
        if (!exists) {
            if (mode != null) changes.put("mode", String.valueOf(mode));
            if (user != null) changes.put("user", user);
            if (group != null) changes.put("group", group);
            return changes;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        var attrs = view.readAttributes();
        if (mode != null && !attrs.permissions().equals(mode(mode))) changes.put("mode", String.valueOf(mode));
        if (user != null && !attrs.owner().getName().equals(user)) changes.put("user", user);
        if (group != null && !attrs.group().getName().equals(group)) changes.put("group", group);
        return changes;
    }

    static void apply(Path path, StateCall c) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        if (c.string("user") != null) {
            UserPrincipal u = lookup.lookupPrincipalByName(c.string("user"));
            view.setOwner(u);
        }
        if (c.string("group") != null) {
            GroupPrincipal g = lookup.lookupPrincipalByGroupName(c.string("group"));
            view.setGroup(g);
        }
        if (c.args().get("mode") != null) view.setPermissions(mode(c.args().get("mode")));
    }

    static void copyMode(Path from, Path to) throws IOException {
        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    }
}
