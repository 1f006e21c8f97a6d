package dev.cairn.security;

import static dev.cairn.security.ClusterCaTest.assertOneLineWithHint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
    static final Path WORK = Path.of("/w");
    static final Path HOME = Path.of("/h");
    final Map<Path, ClientConfig> files = new HashMap<>();

    ClientConfig.Resolved resolve(String url, String ca, String token, Map<String, String> env) {
        return ClientConfig.resolve(new ClientConfig.Inputs(url, ca, token, env, WORK, HOME), p -> Optional.ofNullable(files.get(p)));
    }

    @Test
    void writtenPrivatelyAndReadBack(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d").resolve("client.yaml");
        ClientConfig c = new ClientConfig("https://127.0.0.1:7070", "ca.crt", "cairn_abc");
        c.write(f);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        String text = Files.readString(f);
        assertTrue(text.contains("url: \"https://127.0.0.1:7070\"") || text.contains("url: https://127.0.0.1:7070"), text);
        assertEquals(Optional.of(c), ClientConfig.read(f));
        assertEquals(Optional.empty(), ClientConfig.read(dir.resolve("none.yaml")));
    }

    @Test
    void invalidYamlIsAOneLineError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("client.yaml");
        Files.writeString(f, "url: [unclosed\n  token: x: y\n");
        CairnException e = assertThrows(CairnException.class, () -> ClientConfig.read(f));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertOneLineWithHint(e);
    }

    @Test
    void flagsBeatEnvironmentBeatsTheConfigFile() {
        files.put(WORK.resolve(".cairn/client.yaml"), new ClientConfig("https://file:1", "ca.crt", "cairn_file"));
        Map<String, String> env = Map.of("CAIRN_URL", "https://env:2", "CAIRN_CACERT", "env-ca.crt", "CAIRN_TOKEN", "cairn_env");

        ClientConfig.Resolved fromFile = resolve(null, null, null, Map.of());
        assertEquals("https://file:1", fromFile.url());
        assertEquals(Optional.of(Path.of("/w/.cairn/ca.crt")), fromFile.ca(), "relative to the file's directory");
        assertEquals(Optional.of("cairn_file"), fromFile.token());
        assertEquals(Optional.of(WORK.resolve(".cairn/client.yaml")), fromFile.file());

        ClientConfig.Resolved fromEnv = resolve(null, null, null, env);
        assertEquals("https://env:2", fromEnv.url());
        assertEquals(Optional.of(Path.of("/w/env-ca.crt")), fromEnv.ca(), "relative to the working directory");
        assertEquals(Optional.of("cairn_env"), fromEnv.token());

        ClientConfig.Resolved fromFlags = resolve("https://flag:3", "/abs/ca.crt", "cairn_flag", env);
        assertEquals("https://flag:3", fromFlags.url());
        assertEquals(Optional.of(Path.of("/abs/ca.crt")), fromFlags.ca());
        assertEquals(Optional.of("cairn_flag"), fromFlags.token());

        // field by field: a flag for the URL, the rest from the environment
        ClientConfig.Resolved mixed = resolve("https://flag:3", null, null, env);
        assertEquals("https://flag:3", mixed.url());
        assertEquals(Optional.of("cairn_env"), mixed.token());
    }

    @Test
    void cairnConfigBeatsTheWorkingDirectoryWhichBeatsHome() {
        files.put(HOME.resolve(".config/cairn/client.yaml"), new ClientConfig("https://home:1", null, "cairn_home"));
        assertEquals("https://home:1", resolve(null, null, null, Map.of()).url());
        assertEquals(Optional.empty(), resolve(null, null, null, Map.of()).ca());

        files.put(WORK.resolve(".cairn/client.yaml"), new ClientConfig("https://here:2", null, null));
        ClientConfig.Resolved here = resolve(null, null, null, Map.of());
        assertEquals("https://here:2", here.url());
        assertEquals(Optional.empty(), here.token(), "fields are not mixed from two files");

        files.put(Path.of("/other/d/client.yaml"), new ClientConfig("https://other:3", "ca.crt", "cairn_other"));
        ClientConfig.Resolved named = resolve(null, null, null, Map.of("CAIRN_CONFIG", "/other/d/client.yaml"));
        assertEquals("https://other:3", named.url());
        assertEquals(Optional.of(Path.of("/other/d/ca.crt")), named.ca());
        assertEquals(Optional.of("cairn_other"), named.token());
    }

    @Test
    void aMissingCairnConfigFileIsAnErrorAndNothingAtAllIsTheDefault() {
        CairnException e = assertThrows(CairnException.class, () -> resolve(null, null, null, Map.of("CAIRN_CONFIG", "d/client.yaml")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("/w/d/client.yaml"), e.getMessage());
        assertOneLineWithHint(e);

        ClientConfig.Resolved none = resolve(null, null, null, Map.of("CAIRN_URL", "  "));
        assertEquals(ApiClient.DEFAULT_URL, none.url());
        assertEquals(Optional.empty(), none.ca());
        assertEquals(Optional.empty(), none.token());
        assertEquals(Optional.empty(), none.file());
    }
}
