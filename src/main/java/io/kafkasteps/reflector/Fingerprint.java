package io.kafkasteps.reflector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.apache.kafka.common.header.Header;

/**
 * What a copy must keep of a record, small enough to hold one per record: a 64-bit digest (the
 * first 8 bytes of SHA-256) of the key, of the value and of every header in order (name and
 * value), and the timestamp ({@link #NOT_COMPARED} on both sides when timestamps are not
 * compared). A null key or value differs from an empty one; a null header value from an empty one.
 */
public record Fingerprint(long key, long value, long headers, long timestamp) {

    /** The timestamp of a fingerprint whose timestamp is not compared. */
    public static final long NOT_COMPARED = Long.MIN_VALUE;

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    });

    /** @param timestamp the record's timestamp, or null when timestamps are not compared */
    public static Fingerprint of(byte[] key, byte[] value, Iterable<Header> headers, Long timestamp) {
        MessageDigest d = SHA_256.get();
        return new Fingerprint(digest(d, key), digest(d, value), digest(d, headers), timestamp == null ? NOT_COMPARED : timestamp);
    }

    private static long digest(MessageDigest d, byte[] bytes) {
        add(d, bytes);
        return first8(d);
    }

    private static long digest(MessageDigest d, Iterable<Header> headers) {
        for (Header h : headers) {
            add(d, h.key().getBytes(StandardCharsets.UTF_8));
            add(d, h.value());
        }
        return first8(d);
    }

    /** Null, or its length and bytes: so no two different sequences of fields give the same input. */
    private static void add(MessageDigest d, byte[] bytes) {
        if (bytes == null) {
            d.update((byte) 0);
            return;
        }
        d.update((byte) 1);
        d.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        d.update(bytes);
    }

    private static long first8(MessageDigest d) {
        return ByteBuffer.wrap(d.digest()).getLong();
    }
}
