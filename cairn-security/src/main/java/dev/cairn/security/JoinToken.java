package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.time.Duration;
import java.time.Instant;

/**
 * What the controller stores for a join token: its id, the hash of the token (never the token),
 * when it was made and expires, how many joins it allows and how many it has had. The checks are
 * pure: {@link #use} either refuses with a one-line error or returns the record to store with one
 * more use (compare-and-set, so two agents cannot both take the last use).
 *
 * @param uses how many joins the token allows; 0 means no limit until it expires
 */
public record JoinToken(String id, String hash, Instant created, Instant expires, int uses, int used) {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    public JoinToken {
        if (uses < 0 || used < 0) throw new IllegalArgumentException("uses and used must not be negative");
    }

    /** A new token and what to store for it. */
    public record Issued(Token token, JoinToken record) {}

    public static Issued issue(Instant now, Duration ttl, int uses) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "join token lifetime " + ttl + " must be positive", "give --ttl such as 1h or 30m");
        }
        if (uses < 0) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "--uses " + uses + " must be at least 1 (or 0 for no limit)", "give --uses N");
        }
        Token t = Token.generate();
        return new Issued(t, new JoinToken(t.id(), t.hash(), now, now.plus(ttl), uses, 0));
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expires);
    }

    public boolean usedUp() {
        return uses > 0 && used >= uses;
    }

    /**
     * Checks a presented token against this record at {@code now} and returns the record with one
     * more use. Refuses a token that does not match (without saying whether the id exists), an
     * expired one and a used-up one.
     */
    public JoinToken use(Token presented, Instant now) {
        if (presented == null || !presented.id().equals(id) || !presented.matches(hash)) throw wrong();
        if (expired(now)) {
            throw new CairnException(ErrorCode.UNAUTHENTICATED, "join token " + presented + " expired at " + expires,
                    "create a new one with 'cairn token create --join'");
        }
        if (usedUp()) {
            throw new CairnException(ErrorCode.UNAUTHENTICATED, "join token " + presented + " has been used " + used + " time"
                    + (used == 1 ? "" : "s") + ", all it allows", "create a new one with 'cairn token create --join --uses N'");
        }
        return new JoinToken(id, hash, created, expires, uses, used + 1);
    }

    /** The error for a token that is unknown or whose secret is wrong. */
    public static CairnException wrong() {
        return new CairnException(ErrorCode.UNAUTHENTICATED, "the join token is not valid for this cluster",
                "copy the token exactly as 'cairn token create --join' printed it, on this cluster");
    }
}
