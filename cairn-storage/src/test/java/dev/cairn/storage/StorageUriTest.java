package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageUriTest {
    @Test
    void file() {
        assertEquals(new StorageUri.File(Path.of("/var/lib/cairn/storage")), StorageUri.parse("file:///var/lib/cairn/storage"));
    }

    @Test
    void s3Full() {
        StorageUri.S3 s = (StorageUri.S3) StorageUri.parse(
                "s3://my-bucket/cairn/prod?endpoint=http://127.0.0.1:9000&region=eu-west-1&accessKey=AK&secretKey=S%2Fk");
        assertEquals("my-bucket", s.bucket());
        assertEquals("cairn/prod", s.prefix());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), s.endpoint());
        assertEquals("eu-west-1", s.region());
        assertEquals(Optional.of("AK"), s.accessKey());
        assertEquals(Optional.of("S/k"), s.secretKey());
        assertTrue(s.pathStyle());
        assertFalse(s.toString().contains("S/k"), "secrets never printed");
    }

    @Test
    void s3Minimal() {
        StorageUri.S3 s = (StorageUri.S3) StorageUri.parse("s3://bucket");
        assertEquals("", s.prefix());
        assertEquals(Optional.empty(), s.endpoint());
        assertEquals("us-east-1", s.region());
        assertEquals(Optional.empty(), s.accessKey());
    }

    @Test
    void badUris() {
        for (String bad : new String[] {"", "ftp://x/y", "file:relative", "s3://", "s3://b?color=red",
                "s3://bucket?accessKey=only", "s3://bucket?endpoint=notaurl", "/plain/path"}) {
            CairnException e = assertThrows(CairnException.class, () -> StorageUri.parse(bad), bad);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("storage URI"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        CairnException e = assertThrows(CairnException.class, () -> StorageUri.parse("s3://b?secretKey=hush&x=1"));
        assertFalse(e.getMessage().contains("hush"), e.getMessage());
    }
}
