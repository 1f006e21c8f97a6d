package dev.cairn.instances;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import java.util.Optional;

/**
 * Name rules of seed 001: app names, instance ids and role names are {@code [a-z0-9]+}. The id
 * {@code stage} is reserved (an instance of role {@code shared} in basedir {@code cairn} would
 * otherwise live in the app's stage directory).
 */
public final class InstanceNames {
    public static final String SHARED_ROLE = "shared";
    public static final String RESERVED_ID = "stage";

    private InstanceNames() {}

    /** ROLE/ID as the CLI and API name an instance. */
    public record Key(String role, String id) {
        public Key {
            requireRole(role);
            requireId(id);
        }

        public static Key parse(String text) {
            int slash = text == null ? -1 : text.indexOf('/');
            if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "'" + text + "' is not ROLE/ID",
                        "name an instance by its role and id, e.g. shared/web1");
            }
            return new Key(text.substring(0, slash), text.substring(slash + 1));
        }

        @Override
        public String toString() { return role + "/" + id; }
    }

    /** APP or APP@VERSION. */
    public record AppRef(String app, Optional<String> version) {
        public static AppRef parse(String text) {
            if (text == null || text.isBlank()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "an app name is required", "e.g. hello or hello@1.0.0");
            }
            int at = text.indexOf('@');
            if (at == 0 || at == text.length() - 1) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "'" + text + "' is not APP or APP@VERSION", "e.g. hello@1.0.0");
            }
            String app = requireApp(at < 0 ? text : text.substring(0, at));
            return new AppRef(app, at < 0 ? Optional.empty() : Optional.of(Names.requireVersion(text.substring(at + 1))));
        }
    }

    public static String requireApp(String app) {
        return Names.requireSimple("app name", app);
    }

    public static String requireRole(String role) {
        return Names.requireSimple("role name", role);
    }

    public static String requireId(String id) {
        Names.requireSimple("instance id", id);
        if (id.equals(RESERVED_ID)) {
            throw new CairnException(ErrorCode.INVALID_NAME, "instance id '" + RESERVED_ID + "' is reserved (it names the app's stage directory)",
                    "choose another id, e.g. " + RESERVED_ID + "1");
        }
        return id;
    }

    public static String requireBasedir(String basedir) {
        return Names.requireSimple("basedir", basedir);
    }
}
