package dev.cairn.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.packages.archive.PackageManifest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hello manifest rendered: files, states, service; hostile manifests and options refused. */
class CairnRenderingTest {
    static final String HELLO = """
            name: hello
            version: 1.0.0
            description: a tiny HTTP service
            options:
              type: object
              properties:
                port: {type: integer, default: 18080, minimum: 1024, maximum: 65535, description: TCP port to listen on}
                greeting: {type: string, default: hello}
                confname: {type: string, default: app}
            instance:
              policy: multi
              config:
                - template: templates/app.conf.mustache
                  path: conf/{{confname}}.conf
              states: states/install.sls
            service:
              command: ["python3", "-m", "http.server", "{{port}}", "--bind", "127.0.0.1"]
              cwd: "{{cairn.instance.home}}"
              monitor: {tcp: "127.0.0.1:{{port}}", interval: 1s}
            """;

    static final Map<String, String> FILES = Map.of(
            "templates/app.conf.mustache", "greeting={{greeting}}\nport={{port}}\nhome={{cairn.instance.home}}\nid={{cairn.instance.id}}\npkg={{cairn.package.name}}@{{cairn.package.version}}\n",
            "states/install.sls", "mark:\n  file.managed:\n    - name: {{cairn.instance.home}}/installed\n    - contents: '{{ states.x.stdout }}'\n");

    static AppPackage.Files files(Map<String, String> f) {
        return p -> Optional.ofNullable(f.get(p)).map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    static final InstanceRef REF = new InstanceRef("hello", "1.0.0", "prod", "web1", "apps", "/srv/apps/prod/hello/web1",
            "/srv/cairn/shared/hello/stage/1.0.0");

    static RenderedInstance render(String manifest, String options, Map<String, String> f) {
        AppPackage pkg = new AppPackage.Cairn(PackageManifest.parse(manifest.getBytes(StandardCharsets.UTF_8)));
        JsonNode o = Options.resolve("hello", pkg.optionsSchema(), Optional.ofNullable(options).map(OptionsTest::json));
        return InstanceRenderer.render(pkg, REF, o, files(f));
    }

    @Test
    void helloRendersFilesStatesAndService() {
        RenderedInstance r = render(HELLO, "{\"port\":18123,\"greeting\":\"hi & <bye>\"}", FILES);
        assertEquals("conf/app.conf", r.files().get(0).path());
        assertEquals("greeting=hi & <bye>\nport=18123\nhome=/srv/apps/prod/hello/web1\nid=web1\npkg=hello@1.0.0\n",
                new String(r.files().get(0).content(), StandardCharsets.UTF_8));
        assertEquals("mark:\n  file.managed:\n    - name: /srv/apps/prod/hello/web1/installed\n    - contents: '{{ states.x.stdout }}'\n",
                r.states().orElseThrow().sls());
        ServicePlan s = r.service().orElseThrow();
        assertEquals(List.of("python3", "-m", "http.server", "18123", "--bind", "127.0.0.1"), s.command());
        assertEquals("/srv/apps/prod/hello/web1", s.cwd());
        assertEquals(new ServicePlan.Monitor("tcp", 1000, 2000, "127.0.0.1", 18123, null, List.of()), s.monitor());
    }

    @Test
    void anOptionThatWouldWriteOutsideTheHomeIsRefused() {
        CairnException e = assertThrows(CairnException.class, () -> render(HELLO, "{\"confname\":\"../../../../etc/cron.d/evil\"}", FILES));
        assertTrue(e.getMessage().contains("escapes /srv/apps/prod/hello/web1"), e.getMessage());
    }

    @Test
    void manifestPathsOutsideThePackageOrHomeAreRefused() {
        CairnException e = assertThrows(CairnException.class,
                () -> render(HELLO.replace("templates/app.conf.mustache", "../../etc/passwd"), null, FILES));
        assertTrue(e.getMessage().contains("escapes"), e.getMessage());
        e = assertThrows(CairnException.class, () -> render(HELLO.replace("cwd: \"{{cairn.instance.home}}\"", "cwd: /etc"), null, FILES));
        assertTrue(e.getMessage().contains("outside the instance home"), e.getMessage());
        e = assertThrows(CairnException.class, () -> render(HELLO, null, Map.of("templates/app.conf.mustache", "{{> /etc/passwd}}")));
        assertTrue(e.getMessage().contains("partial"), e.getMessage());
    }

    @Test
    void optionValuesAreNeverTemplatesAndShellStringsKeepThemOneWord() {
        CairnException e = assertThrows(CairnException.class, () -> render(HELLO, "{\"greeting\":\"{{cairn.instance.home}}\"}", FILES));
        assertTrue(e.getMessage().contains("$.greeting contains a template tag"), e.getMessage());
        RenderedInstance r = render(HELLO.replace("command: [\"python3\", \"-m\", \"http.server\", \"{{port}}\", \"--bind\", \"127.0.0.1\"]",
                "command: \"echo {{greeting}}\""), "{\"greeting\":\"x; rm -rf /\"}", FILES);
        assertEquals(List.of("/bin/sh", "-c", "echo x\\;\\ rm\\ -rf\\ /"), r.service().orElseThrow().command());
    }

    @Test
    void aPackageWithoutServiceInstallsButSaysWhyItCannotRun() {
        String noService = HELLO.substring(0, HELLO.indexOf("service:"));
        RenderedInstance r = render(noService, null, FILES);
        assertTrue(r.service().isEmpty());
        assertTrue(r.notRunnable().contains("declares no service"), r.notRunnable());
    }
}
