package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager holding one certificate chain and key that can be replaced while connections are
 * being made: a controller's server certificate or an agent's node certificate after renewal.
 * New handshakes use the new certificate; connections already open keep theirs. Each load gets a
 * new alias, and the previous one is still answered, so a handshake that chose an alias just
 * before a reload gets a chain and key that belong together.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private record Entry(String alias, X509Certificate[] chain, PrivateKey key, FileTime certTime, FileTime keyTime) {}

    private final Path certFile;
    private final Path keyFile;
    private volatile Entry current;
    private volatile Entry previous;
    private int generation;

    private ReloadingKeyManager(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    /** Reads the chain (leaf first) from {@code certFile} and the key from {@code keyFile}; {@link #reload()} reads them again. */
    public static ReloadingKeyManager fromFiles(Path certFile, Path keyFile) {
        ReloadingKeyManager km = new ReloadingKeyManager(certFile, keyFile);
        km.reload();
        return km;
    }

    /** A key manager for a chain and key held in memory; {@link #update} replaces them. */
    public static ReloadingKeyManager of(List<X509Certificate> chain, PrivateKey key) {
        ReloadingKeyManager km = new ReloadingKeyManager(null, null);
        km.update(chain, key);
        return km;
    }

    public static ReloadingKeyManager of(NodeIdentity id) {
        return of(List.of(id.certificate()), id.key());
    }

    /** Re-reads the files; on any error the old certificate stays in use and the error is thrown. */
    public synchronized void reload() {
        if (certFile == null) throw new IllegalStateException("this key manager was not made from files");
        String hint = "write the certificate (PEM, leaf first) and its key (PEM) again; the previous certificate stays in use";
        FileTime ct;
        FileTime kt;
        try {
            ct = Files.getLastModifiedTime(certFile);
            kt = Files.getLastModifiedTime(keyFile);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "cannot read certificate " + certFile + " or key " + keyFile + ": " + e.getMessage(), hint);
        }
        List<X509Certificate> chain = Pem.certificates(new String(SecureFiles.read(certFile, "certificate", hint), StandardCharsets.UTF_8),
                "certificate " + certFile);
        PrivateKey key = Pem.privateKey(new String(SecureFiles.read(keyFile, "key", hint), StandardCharsets.UTF_8), "key " + keyFile);
        set(chain, key, ct, kt);
    }

    /** Reloads when either file changed since the last load; true when it did. */
    public synchronized boolean reloadIfChanged() {
        if (certFile == null) return false;
        try {
            if (Files.getLastModifiedTime(certFile).equals(current.certTime()) && Files.getLastModifiedTime(keyFile).equals(current.keyTime())) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        reload();
        return true;
    }

    public synchronized void update(List<X509Certificate> chain, PrivateKey key) {
        set(chain, key, null, null);
    }

    private void set(List<X509Certificate> chain, PrivateKey key, FileTime ct, FileTime kt) {
        if (chain.isEmpty()) throw new CairnException(ErrorCode.INVALID_INPUT, "the certificate chain is empty", "give at least the certificate itself");
        if (!ClusterCa.matches(chain.get(0).getPublicKey(), key)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the key does not belong to certificate " + chain.get(0).getSubjectX500Principal().getName(),
                    "give the certificate and the key it was issued for; the previous certificate stays in use");
        }
        previous = current;
        current = new Entry("cairn-" + (++generation), chain.toArray(X509Certificate[]::new), key, ct, kt);
    }

    /** The certificate new handshakes present. */
    public X509Certificate certificate() {
        return current.chain()[0];
    }

    private Entry entry(String alias) {
        Entry c = current;
        if (c.alias().equals(alias)) return c;
        Entry p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    private String aliasFor(String... keyTypes) {
        Entry c = current;
        if (keyTypes == null) return c.alias();
        String alg = c.key().getAlgorithm().toUpperCase(Locale.ROOT);
        for (String t : keyTypes) {
            if (t == null) continue;
            String type = t.toUpperCase(Locale.ROOT);
            // TLS 1.2 asks for "EC_EC"/"EC_RSA" style types, TLS 1.3 for the key algorithm itself
            if (type.equals(alg) || type.startsWith(alg + "_") || (alg.equals("EDDSA") && type.startsWith("ED"))
                    || (alg.equals("ED25519") && type.equals("EDDSA"))) {
                return c.alias();
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String a = aliasFor(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = aliasFor(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = entry(alias);
        return e == null ? null : e.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = entry(alias);
        return e == null ? null : e.key();
    }
}
