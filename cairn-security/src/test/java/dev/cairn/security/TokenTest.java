package dev.cairn.security;

import static dev.cairn.security.ClusterCaTest.T;
import static dev.cairn.security.ClusterCaTest.assertOneLineWithHint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenTest {
    @Test
    void tokensAreUrlSafeWithAPrefixAnIdAndASecret() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Token t = Token.generate();
            String v = t.value();
            assertTrue(v.matches("cairn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}"), v);
            assertTrue(seen.add(v));
            assertEquals(t, Token.parse(v));
            assertEquals(t, Token.parse("  " + v + "\n"));
            assertFalse(t.toString().contains(t.secret()), "toString hides the secret");
        }
    }

    @Test
    void theStoredHashIsSha256OfTheTokenAndChecksInConstantTime() throws Exception {
        Token t = Token.generate();
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(t.value().getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, t.hash());
        assertTrue(Token.parse(t.value()).matches(expected));
        Token sameIdOtherSecret = new Token(t.id(), Token.generate().secret());
        assertFalse(sameIdOtherSecret.matches(expected));
        assertFalse(t.matches(null));
    }

    @Test
    void aMalformedTokenIsRefusedWithoutEcho() {
        for (String bad : new String[] {null, "", "cairn_short_x", "Bearer cairn_abc", "ghp_" + "a".repeat(40)}) {
            CairnException e = assertThrows(CairnException.class, () -> Token.parse(bad));
            assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
            assertOneLineWithHint(e);
        }
    }

    @Test
    void joinTokensCountUsesAndExpire() {
        JoinToken.Issued issued = JoinToken.issue(T, Duration.ofHours(1), 2);
        JoinToken stored = issued.record();
        assertEquals(issued.token().hash(), stored.hash());
        assertEquals(T.plus(Duration.ofHours(1)), stored.expires());
        Token presented = Token.parse(issued.token().value());

        JoinToken once = stored.use(presented, T.plus(Duration.ofMinutes(1)));
        assertEquals(1, once.used());
        JoinToken twice = once.use(presented, T.plus(Duration.ofMinutes(2)));
        assertEquals(2, twice.used());
        assertTrue(twice.usedUp());

        CairnException usedUp = assertThrows(CairnException.class, () -> twice.use(presented, T.plus(Duration.ofMinutes(3))));
        assertEquals(ErrorCode.UNAUTHENTICATED, usedUp.code());
        assertTrue(usedUp.getMessage().contains("used 2 times"), usedUp.getMessage());
        assertOneLineWithHint(usedUp);

        CairnException expired = assertThrows(CairnException.class, () -> stored.use(presented, T.plus(Duration.ofHours(1))));
        assertTrue(expired.getMessage().contains("expired at " + T.plus(Duration.ofHours(1))), expired.getMessage());
        assertOneLineWithHint(expired);

        Token wrongSecret = new Token(presented.id(), Token.generate().secret());
        CairnException wrong = assertThrows(CairnException.class, () -> stored.use(wrongSecret, T));
        assertEquals(ErrorCode.UNAUTHENTICATED, wrong.code());
        assertTrue(wrong.getMessage().contains("not valid"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains(wrongSecret.secret()));
        // a wrong secret is refused as wrong even when the token is also expired (nothing more is revealed)
        assertEquals(wrong.getMessage(), assertThrows(CairnException.class, () -> stored.use(wrongSecret, T.plus(Duration.ofDays(1)))).getMessage());
    }

    @Test
    void zeroUsesMeansNoLimitAndBadParametersAreRefused() {
        JoinToken.Issued issued = JoinToken.issue(T, Duration.ofMinutes(5), 0);
        JoinToken r = issued.record();
        for (int i = 0; i < 5; i++) r = r.use(issued.token(), T);
        assertEquals(5, r.used());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> JoinToken.issue(T, Duration.ZERO, 1)).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> JoinToken.issue(T, Duration.ofHours(1), -1)).code());
    }

    @Test
    void aJoinTokenRecordRoundTripsThroughJsonWithoutTheSecret() throws Exception {
        ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JoinToken.Issued issued = JoinToken.issue(T, Duration.ofHours(1), 3);
        String json = m.writeValueAsString(issued.record());
        assertFalse(json.contains(issued.token().secret()), json);
        assertEquals(issued.record(), m.readValue(json, JoinToken.class));
        assertNotEquals(issued.record(), JoinToken.issue(T, Duration.ofHours(1), 3).record());
    }
}
