package dev.cairn.storage;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.Sha256;
import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Package storage in an S3 bucket (AWS or any S3-compatible endpoint), on AWS SDK v2. A put reads
 * the stream in parts of {@link #partSize} bytes (8 MiB by default): a blob that fits in one part is
 * one PutObject; a larger one is a multipart upload whose parts are sent as they are read, so memory
 * stays at one part buffer whatever the size. S3 objects appear atomically on completion; a failed
 * multipart upload is aborted. Keys live under the URI's optional prefix.
 */
public final class S3PackageStorage implements PackageStorage {
    public static final int DEFAULT_PART_SIZE = 8 << 20;
    private static final int MIN_PART_SIZE = 5 << 20;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int partSize;
    private final String description;

    public S3PackageStorage(S3Client s3, String bucket, String prefix, int partSize, String description) {
        if (partSize < MIN_PART_SIZE) throw new IllegalArgumentException("S3 parts must be at least 5 MiB");
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix.replaceAll("/+$", "") + "/";
        this.partSize = partSize;
        this.description = description;
    }

    /** Builds a client for the URI: path-style addressing, endpoint override, credentials from the URI or the default chain. */
    public static S3PackageStorage create(StorageUri.S3 uri) {
        var b = S3Client.builder()
                .region(Region.of(uri.region()))
                .forcePathStyle(uri.pathStyle())
                // S3-compatible endpoints (MinIO, Ceph, s3proxy) do not all accept the newer default checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        uri.endpoint().ifPresent(b::endpointOverride);
        if (uri.accessKey().isPresent()) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(uri.accessKey().get(), uri.secretKey().orElseThrow())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return new S3PackageStorage(b.build(), uri.bucket(), uri.prefix(), DEFAULT_PART_SIZE, uri.toString());
    }

    public int partSize() { return partSize; }

    /** The same bucket and client with another part size (at least 5 MiB, S3's minimum). */
    public S3PackageStorage withPartSize(int size) {
        return new S3PackageStorage(s3, bucket, prefix, size, description);
    }

    private String objectKey(StorageKey key) { return prefix + key.value(); }

    @Override
    public PutResult put(StorageKey key, InputStream in) {
        String objectKey = objectKey(key);
        MessageDigest digest = Sha256.digest();
        byte[] buf = new byte[partSize];
        String uploadId = null;
        try {
            int n = fill(in, buf);
            digest.update(buf, 0, n);
            if (n < partSize) {
                final int len = n;
                s3.putObject(r -> r.bucket(bucket).key(objectKey).contentLength((long) len),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream"));
                return new PutResult(key, n, Sha256.hex(digest));
            }
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(objectKey)).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            int partNumber = 1;
            while (n > 0) {
                final int len = n;
                final int pn = partNumber;
                final String id = uploadId;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(objectKey).uploadId(id).partNumber(pn).contentLength((long) len),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(pn).eTag(etag).build());
                total += len;
                partNumber++;
                n = fill(in, buf);
                digest.update(buf, 0, n);
            }
            final String id = uploadId;
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(objectKey).uploadId(id)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            uploadId = null;
            return new PutResult(key, total, Sha256.hex(digest));
        } catch (IOException e) {
            throw error("cannot read the data for " + key, e);
        } catch (SdkException e) {
            throw error("cannot write " + key, e);
        } finally {
            if (uploadId != null) abort(objectKey, uploadId);
        }
    }

    private void abort(String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the bucket's lifecycle rule for incomplete uploads is the backstop
        }
    }

    /** Reads until {@code buf} is full or the stream ends; returns the count. */
    private static int fill(InputStream in, byte[] buf) throws IOException {
        return in.readNBytes(buf, 0, buf.length);
    }

    @Override
    public InputStream open(StorageKey key) {
        try {
            return s3.getObject(r -> r.bucket(bucket).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no blob '" + key + "' in package storage " + description, null);
        } catch (SdkException e) {
            throw error("cannot read " + key, e);
        }
    }

    @Override
    public boolean exists(StorageKey key) {
        return head(key) != null;
    }

    @Override
    public OptionalLong size(StorageKey key) {
        HeadObjectResponse h = head(key);
        return h == null ? OptionalLong.empty() : OptionalLong.of(h.contentLength());
    }

    private HeadObjectResponse head(StorageKey key) {
        try {
            return s3.headObject(r -> r.bucket(bucket).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return null;
            throw error("cannot stat " + key, e);
        } catch (SdkException e) {
            throw error("cannot stat " + key, e);
        }
    }

    @Override
    public List<StorageKey> list(StorageKey p) {
        String exact = objectKey(p);
        String below = exact + "/";
        List<StorageKey> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(exact)).contents()) {
                if (o.key().equals(exact) || o.key().startsWith(below)) {
                    String rel = o.key().substring(prefix.length());
                    if (StorageKey.isValid(rel)) out.add(new StorageKey(rel));
                }
            }
        } catch (NoSuchBucketException e) {
            throw error("bucket '" + bucket + "' does not exist", e);
        } catch (SdkException | UncheckedIOException e) {
            throw error("cannot list " + p, e);
        }
        out.sort(null);
        return out;
    }

    /** A server-side CopyObject (up to 5 GiB; larger blobs are streamed through). */
    @Override
    public void copy(StorageKey from, StorageKey to) {
        java.util.OptionalLong size = size(from);
        if (size.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "no blob '" + from + "' in package storage " + description, null);
        if (size.getAsLong() > (5L << 30)) {
            PackageStorage.super.copy(from, to);
            return;
        }
        try {
            s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(objectKey(from)).destinationBucket(bucket).destinationKey(objectKey(to)));
        } catch (SdkException e) {
            throw error("cannot copy " + from + " to " + to, e);
        }
    }

    @Override
    public boolean delete(StorageKey key) {
        if (!exists(key)) return false;
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(objectKey(key)));
            return true;
        } catch (SdkException e) {
            throw error("cannot delete " + key, e);
        }
    }

    @Override
    public String describe() { return description; }

    @Override
    public void close() { s3.close(); }

    private CairnException error(String what, Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
        return new CairnException(ErrorCode.STORAGE_ERROR, what + " in " + description + ": " + m,
                "check the S3 endpoint, bucket and credentials", e);
    }
}
