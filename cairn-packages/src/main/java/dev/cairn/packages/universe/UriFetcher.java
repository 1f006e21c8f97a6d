package dev.cairn.packages.universe;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Fetches {@code file://} and {@code http(s)://} URIs as streams, with a connect timeout and a read
 * timeout on every read, so a server that stops answering fails the fetch instead of hanging it.
 */
public final class UriFetcher {
    public static final UriFetcher DEFAULT = new UriFetcher(Duration.ofSeconds(10), Duration.ofSeconds(30));

    private final Duration connectTimeout;
    private final Duration readTimeout;

    public UriFetcher(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** Opens the URI; NOT_FOUND when it does not exist, UNREACHABLE when it cannot be fetched. */
    public InputStream open(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        return switch (scheme) {
            case "file" -> openFile(uri);
            case "http", "https" -> openHttp(uri);
            default -> throw new CairnException(ErrorCode.INVALID_INPUT, "cannot fetch '" + uri + "': unsupported scheme '" + scheme + "'",
                    "use file://, http:// or https://");
        };
    }

    public byte[] read(URI uri) {
        try (InputStream in = open(uri)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    /** Whether the URI exists (a 2xx answer or a readable file). */
    public boolean exists(URI uri) {
        try (InputStream in = open(uri)) {
            return true;
        } catch (CairnException e) {
            if (e.code() == ErrorCode.NOT_FOUND) return false;
            throw e;
        } catch (IOException e) {
            return false;
        }
    }

    private static InputStream openFile(URI uri) {
        Path p = Path.of(uri);
        try {
            if (Files.isDirectory(p)) throw new NoSuchFileException(p + " is a directory");
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "'" + uri + "' does not exist", "check the repository URI");
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    private InputStream openHttp(URI uri) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setInstanceFollowRedirects(true);
            c.setRequestProperty("User-Agent", "cairn");
            int status = c.getResponseCode();
            if (status == 404 || status == 410) {
                c.disconnect();
                throw new CairnException(ErrorCode.NOT_FOUND, "'" + uri + "' does not exist (HTTP " + status + ")", "check the repository URI");
            }
            if (status < 200 || status > 299) {
                c.disconnect();
                throw new CairnException(ErrorCode.UNREACHABLE, "'" + uri + "' answered HTTP " + status, "check that the server is up");
            }
            HttpURLConnection conn = c;
            return new FilterInputStream(c.getInputStream()) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (SocketTimeoutException e) {
                        throw new IOException("no data for " + readTimeout.toSeconds() + "s from " + uri, e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (SocketTimeoutException e) {
                        throw new IOException("no data for " + readTimeout.toSeconds() + "s from " + uri, e);
                    }
                }

                @Override
                public void close() throws IOException {
                    super.close();
                    conn.disconnect();
                }
            };
        } catch (CairnException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            if (c != null) c.disconnect();
            throw unreachable(uri, e);
        }
    }

    static CairnException unreachable(URI uri, Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new CairnException(ErrorCode.UNREACHABLE, "cannot fetch '" + uri + "': " + m.replace('\n', ' '),
                "check that the URL answers from the controller's host", e);
    }
}
