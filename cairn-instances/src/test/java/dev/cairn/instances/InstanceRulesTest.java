package dev.cairn.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Names, layout and the instance policies. */
class InstanceRulesTest {
    static final Layout L = Layout.defaults(Path.of("/srv/shared"));

    @Test
    void layoutFollowsTheSeed() {
        assertEquals(Path.of("/srv/shared/cairn/shared/spark/stage/2.3.0"), L.stage("spark", "2.3.0"));
        assertEquals(Path.of("/srv/shared/etl/prod/spark/sparkfwlogs"), L.home("etl", "prod", "spark", "sparkfwlogs"));
        assertEquals(Path.of("/srv/shared/data/prod"), L.roleDir("data", "prod"));
        assertEquals("apps", L.defaultBasedir());
        CairnException e = assertThrows(CairnException.class, () -> L.home("tmp", "prod", "spark", "x"));
        assertTrue(e.getMessage().contains("basedir 'tmp' is not one of [apps, data, etl, cairn]"), e.getMessage());
    }

    @Test
    void namesAreLowerCaseLettersAndDigitsWithTheRuleInTheMessage() {
        for (String bad : List.of("Web", "web-1", "../x", "", "a/b", "a.b")) {
            CairnException e = assertThrows(CairnException.class, () -> InstanceNames.requireRole(bad));
            assertEquals(ErrorCode.INVALID_NAME, e.code());
            assertTrue(e.getMessage().contains("[a-z0-9]+"), e.getMessage());
        }
        assertThrows(CairnException.class, () -> InstanceNames.requireId("stage"));
        assertEquals(new InstanceNames.Key("prod", "web1"), InstanceNames.Key.parse("prod/web1"));
        assertThrows(CairnException.class, () -> InstanceNames.Key.parse("prod/web1/x"));
        assertThrows(CairnException.class, () -> InstanceNames.Key.parse("web1"));
        assertEquals(Optional.of("1.0.0"), InstanceNames.AppRef.parse("hello@1.0.0").version());
        assertThrows(CairnException.class, () -> InstanceNames.AppRef.parse("Hello"));
    }

    @Test
    void pathsCannotEscape() {
        Path home = Path.of("/srv/shared/apps/prod/hello/web1");
        assertEquals(home.resolve("conf/app.conf"), Layout.inside(home, "conf/./app.conf", "config path"));
        for (String bad : List.of("../x", "conf/../../x", "/etc/passwd", "", ".", "a\\..\\b")) {
            CairnException e = assertThrows(CairnException.class, () -> Layout.inside(home, bad, "config path"));
            assertTrue(e.getMessage().contains("escapes"), e.getMessage());
        }
        assertTrue(Layout.within(home, home.resolve("x")));
        assertTrue(!Layout.within(home, Path.of("/srv/shared/apps/prod/hello/web1/../web2")));
    }

    @Test
    void policies() {
        var inProd = List.of(new InstanceNames.Key("prod", "a"));
        assertTrue(InstancePolicy.MULTI.refusal("hello", "prod", inProd).isEmpty());
        assertTrue(InstancePolicy.ONE_PER_ROLE.refusal("hello", "prod", inProd).orElseThrow().contains("role 'prod' already has instance prod/a"));
        assertTrue(InstancePolicy.ONE_PER_ROLE.refusal("hello", "dev", inProd).isEmpty());
        assertTrue(InstancePolicy.ONE_PER_CLUSTER.refusal("hello", "prod", List.of()).orElseThrow().contains("only be installed in role 'shared'"));
        assertTrue(InstancePolicy.ONE_PER_CLUSTER.refusal("hello", "shared", List.of()).isEmpty());
        assertTrue(InstancePolicy.ONE_PER_CLUSTER.refusal("hello", "shared", inProd).orElseThrow().contains("already has instance prod/a"));
        assertEquals(Optional.of("hello@prod"), InstancePolicy.ONE_PER_ROLE.guard("hello", "prod"));
        assertEquals(Optional.of("hello@cluster"), InstancePolicy.ONE_PER_CLUSTER.guard("hello", "shared"));
        assertEquals(InstancePolicy.ONE_PER_ROLE, InstancePolicy.parse("one-per-role"));
        assertThrows(CairnException.class, () -> InstancePolicy.parse("some"));
    }
}
