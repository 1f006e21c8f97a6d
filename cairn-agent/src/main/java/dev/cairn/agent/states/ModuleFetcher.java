package dev.cairn.agent.states;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.ApiClient;
import dev.cairn.states.sign.PublishedModule;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fetches a published extension module's bytes and signature, trusting neither: a module from
 * package storage comes through the controller ({@code /api/v1/modules/NAME/versions/SHA256/…}), a
 * URL module from its URL and {@code URL.sig}. A missing signature is {@code null} (unsigned); the
 * caller verifies before anything is written where it could run.
 */
final class ModuleFetcher {
    static final long MAX_BYTES = 64L << 20;
    private static final int MAX_SIGNATURE = 4096;

    /** The fetched bytes and signature (null when there is none). */
    record Fetched(byte[] bytes, String signature) {}

    private final ApiClient controller;
    private final HttpClient http;

    ModuleFetcher(ApiClient controller) {
        this(controller, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    /** With the client URL modules are fetched with (its TLS settings decide which https servers are trusted). */
    ModuleFetcher(ApiClient controller, HttpClient http) {
        this.controller = controller;
        this.http = http;
    }

    /** The module's bytes and signature; throws CairnException saying why it cannot be fetched. */
    Fetched fetch(PublishedModule m) {
        return m.fromUrl() ? fromUrl(m) : fromStorage(m);
    }

    private Fetched fromStorage(PublishedModule m) {
        String base = "/api/v1/modules/" + m.name() + "/versions/" + m.sha256();
        byte[] bytes;
        try (InputStream in = controller.stream(base + "/executable", "application/octet-stream")) {
            bytes = read(in, MAX_BYTES, "module " + m.name());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot fetch it from package storage: " + e.getMessage(), null);
        } catch (CairnException e) {
            throw new CairnException(e.code(), "cannot fetch it from package storage: " + e.getMessage(), e.hint());
        }
        String sig;
        try (InputStream in = controller.stream(base + "/signature", "text/plain")) {
            sig = new String(read(in, MAX_SIGNATURE, "signature of " + m.name()), StandardCharsets.US_ASCII);
        } catch (CairnException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw new CairnException(e.code(), "cannot fetch its signature: " + e.getMessage(), e.hint());
            sig = null;
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot fetch its signature: " + e.getMessage(), null);
        }
        return new Fetched(bytes, sig);
    }

    private Fetched fromUrl(PublishedModule m) {
        byte[] bytes = get(m.url(), MAX_BYTES, false);
        byte[] sig = get(m.signatureUrl(), MAX_SIGNATURE, true);
        return new Fetched(bytes, sig == null ? null : new String(sig, StandardCharsets.US_ASCII));
    }

    /** GET {@code url}; null on 404 when {@code missingOk}. */
    private byte[] get(String url, long max, boolean missingOk) {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404 && missingOk) return null;
                if (r.statusCode() != 200) throw new CairnException(ErrorCode.UNREACHABLE, "GET " + url + " answered HTTP " + r.statusCode(), null);
                return read(in, max, url);
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot fetch " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted while fetching " + url, null);
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "'" + url + "' is not a URL: " + e.getMessage(), null);
        }
    }

    private static byte[] read(InputStream in, long max, String what) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (b.length > max) throw new CairnException(ErrorCode.TOO_LARGE, what + " is larger than " + max + " bytes", null);
        return b;
    }
}
