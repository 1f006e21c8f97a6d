package dev.cairn.storage;

import dev.cairn.core.storage.PackageStorage;
import java.net.URI;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract against s3proxy (in-memory jclouds provider) running in this JVM on 127.0.0.1. */
class S3PackageStorageTest extends PackageStorageContract {
    static final String ACCESS = "cairn-access";
    static final String SECRET = "cairn-secret";
    static S3Proxy proxy;
    static BlobStoreContext context;
    static final AtomicInteger BUCKETS = new AtomicInteger();
    S3PackageStorage storage;

    @BeforeAll
    static void startProxy() throws Exception {
        Properties props = new Properties();
        context = ContextBuilder.newBuilder(new org.jclouds.blobstore.TransientApiMetadata()).credentials("identity", "credential")
                .overrides(props).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) Thread.sleep(10);
    }

    @AfterAll
    static void stopProxy() throws Exception {
        if (proxy != null) proxy.stop();
        if (context != null) context.close();
    }

    @BeforeEach
    void open() {
        String bucket = "cairn-test-" + BUCKETS.incrementAndGet();
        context.getBlobStore().createContainerInLocation(null, bucket);
        storage = (S3PackageStorage) PackageStorages.open("s3://" + bucket + "/some/prefix?endpoint=http://127.0.0.1:" + proxy.getPort()
                + "&region=us-east-1&accessKey=" + ACCESS + "&secretKey=" + SECRET);
        // the smallest part size S3 allows, so that multipart uploads are exercised with ~10 MiB
        storage = storage.withPartSize(5 << 20);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Override
    protected PackageStorage storage() { return storage; }
}
