package dev.cairn.states.compile;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.Locale;

/** Ordering modes. */
public enum Mode {
    /** Definition order, one state at a time, requisites respected (Salt's own walk). */
    ANSIBLE,
    /** Every state whose requisites are met runs at once, on virtual threads, bounded. */
    JUSTDOIT,
    /** justdoit plus module knowledge: repositories, then packages, then files, then services. */
    GENIUS;

    public static Mode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "unknown mode '" + s + "'",
                    "use one of: ansible, justdoit, genius");
        }
    }

    public String key() { return name().toLowerCase(Locale.ROOT); }
}
