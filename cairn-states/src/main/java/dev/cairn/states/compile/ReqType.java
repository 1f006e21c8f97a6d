package dev.cairn.states.compile;

import java.util.Optional;

/**
 * Direct requisite types, in Salt's order of precedence (salt/utils/requisite.py RequisiteType).
 * The weight is the enum position; the orderer uses it exactly as Salt does.
 */
public enum ReqType {
    ONFAIL, ONFAIL_ANY, ONFAIL_ALL, REQUIRE, REQUIRE_ANY, ONCHANGES, ONCHANGES_ANY,
    WATCH, WATCH_ANY, PREREQ, PREREQUIRED, LISTEN,
    /** Cairn only: an ordering edge added by genius mode; never affects a state's status. */
    KNOWLEDGE;

    public String key() { return name().toLowerCase(); }

    public int weight() { return ordinal(); }

    /** The base family: onfail_any and onfail_all are onfail, require_any is require, and so on. */
    public String base() {
        String k = key();
        if (k.endsWith("_any")) return k.substring(0, k.length() - 4);
        if (k.endsWith("_all")) return k.substring(0, k.length() - 4);
        return k;
    }

    public boolean isAny() { return key().endsWith("_any"); }

    public boolean isAll() { return key().endsWith("_all"); }

    /** Requisites a state may declare (the forward forms that create edges). */
    public boolean declarable() { return this != PREREQUIRED && this != KNOWLEDGE; }

    public static Optional<ReqType> ofKey(String key) {
        for (ReqType t : values()) {
            if (t.declarable() && t.key().equals(key)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /** The *_in forms Salt rewrites onto their target (no *_any_in forms exist). */
    public static Optional<ReqType> ofInKey(String key) {
        return switch (key) {
            case "require_in" -> Optional.of(REQUIRE);
            case "watch_in" -> Optional.of(WATCH);
            case "onfail_in" -> Optional.of(ONFAIL);
            case "onchanges_in" -> Optional.of(ONCHANGES);
            case "prereq_in" -> Optional.of(PREREQ);
            case "listen_in" -> Optional.of(LISTEN);
            default -> Optional.empty();
        };
    }
}
