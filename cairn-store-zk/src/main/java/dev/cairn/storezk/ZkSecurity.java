package dev.cairn.storezk;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * How Cairn authenticates to ZooKeeper and protects its znodes.
 *
 * <p>With a digest secret, Cairn's sessions authenticate as {@code digest:cairn:<secret>} and
 * every znode Cairn creates (the namespace root, parents, containers, entries, sequential and
 * ephemeral nodes) gets one ACL entry: all permissions for that identity and nothing for anyone
 * else, so an anonymous client cannot even list what is under the Cairn root. With {@link Tls},
 * sessions use ZooKeeper's secure client port (Netty, TLS), trusting the given trust store and
 * presenting the given client certificate. {@link #none()} is the unprotected behaviour of
 * earlier versions.
 */
public record ZkSecurity(Optional<String> digestSecret, Optional<Tls> tls) {
    /** The user name of Cairn's digest identity. */
    public static final String USER = "cairn";

    public ZkSecurity {
        digestSecret = digestSecret == null ? Optional.empty() : digestSecret;
        tls = tls == null ? Optional.empty() : tls;
        digestSecret.ifPresent(s -> {
            if (s.length() < 16 || s.chars().anyMatch(c -> c <= 0x20 || c == ':' || c > 0x7e)) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "the ZooKeeper secret must be at least 16 printable characters without ':' or spaces",
                        "let Cairn generate it (the controller's data directory keeps it in zk-secret)");
            }
        });
    }

    /**
     * TLS to the ensemble. Files are PEM ({@code .pem}, {@code .crt}), PKCS#12 ({@code .p12},
     * {@code .pfx}) or JKS ({@code .jks}); a PEM key store holds the client's private key and its
     * certificate chain in one file.
     *
     * @param trustStore the CA certificate(s) the ensemble's certificates chain to
     * @param keyStore   the client certificate and key, when the ensemble requires client authentication
     * @param password   the stores' password (PKCS#12/JKS, or an encrypted PEM key); empty for none
     * @param verifyHostname whether the server certificate must name the host connected to
     */
    public record Tls(Path trustStore, Optional<Path> keyStore, Optional<String> password, boolean verifyHostname) {
        public Tls {
            keyStore = keyStore == null ? Optional.empty() : keyStore;
            password = password == null ? Optional.empty() : password;
            requireFile(trustStore, "--zk-tls-truststore");
            keyStore.ifPresent(k -> requireFile(k, "--zk-tls-keystore"));
        }

        private static void requireFile(Path p, String flag) {
            if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "ZooKeeper TLS file " + p + " does not exist or cannot be read",
                        "give " + flag + " a readable PEM, PKCS#12 (.p12) or JKS (.jks) file");
            }
        }
    }

    public static ZkSecurity none() {
        return new ZkSecurity(Optional.empty(), Optional.empty());
    }

    public static ZkSecurity digest(String secret) {
        return new ZkSecurity(Optional.of(secret), Optional.empty());
    }

    public ZkSecurity withTls(Tls t) {
        return new ZkSecurity(digestSecret, Optional.of(t));
    }

    /**
     * The secret kept in {@code file} (e.g. {@code <data>/zk-secret}); when the file does not
     * exist it is created with 32 random bytes (base64url) and permissions 0600.
     */
    public static String secretFromFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
                return secret;
            } catch (FileAlreadyExistsException raced) {
                return secretFromFile(file);
            } catch (IOException io) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "cannot create the ZooKeeper secret " + file + ": " + io.getMessage(),
                        "check that the data directory is writable");
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read the ZooKeeper secret " + file + ": " + e.getMessage(),
                    "check its permissions (it should be 0600 and owned by the controller's user)");
        }
    }

    /** {@code cairn:<secret>}, what a session authenticates with. */
    byte[] authBytes() {
        return (USER + ":" + digestSecret.orElseThrow()).getBytes(StandardCharsets.UTF_8);
    }

    /** All permissions for Cairn's identity only; the open ACL without a digest secret. */
    List<ACL> acl() {
        if (digestSecret.isEmpty()) return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        try {
            String id = DigestAuthenticationProvider.generateDigest(USER + ":" + digestSecret.get());
            // a mutable list: ZooKeeper checks it with contains(null), which immutable lists refuse
            return new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", id))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ACLProvider aclProvider() {
        List<ACL> acl = acl();
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }

    /** The client configuration for TLS, or the default one. */
    ZKClientConfig clientConfig() {
        ZKClientConfig c = new ZKClientConfig();
        if (tls.isEmpty()) return c;
        Tls t = tls.get();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        try (ClientX509Util x = new ClientX509Util()) {
            c.setProperty(x.getSslTruststoreLocationProperty(), t.trustStore().toAbsolutePath().toString());
            c.setProperty(x.getSslTruststoreTypeProperty(), storeType(t.trustStore()));
            t.keyStore().ifPresent(k -> {
                c.setProperty(x.getSslKeystoreLocationProperty(), k.toAbsolutePath().toString());
                c.setProperty(x.getSslKeystoreTypeProperty(), storeType(k));
            });
            t.password().ifPresent(p -> {
                c.setProperty(x.getSslTruststorePasswdProperty(), p);
                c.setProperty(x.getSslKeystorePasswdProperty(), p);
            });
            c.setProperty(x.getSslHostnameVerificationEnabledProperty(), Boolean.toString(t.verifyHostname()));
        }
        return c;
    }

    private static String storeType(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".p12") || n.endsWith(".pfx")) return "PKCS12";
        if (n.endsWith(".jks")) return "JKS";
        return "PEM";
    }
}
