package org.jmmap.gzip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses the members of a multi-member gzip file that is not BGZF (concatenated gzip files, for example) in
 * parallel, one member per thread. Where members start is only certain once the member before has been inflated,
 * so this works on a guess that is then checked:
 * <ol>
 *   <li>the file is searched (by all threads, with {@code memmem}) for the bytes that start a gzip member
 *       ({@code 1f 8b 08}) followed by a plausible header (no reserved flag, an {@code XFL} and an {@code OS} that
 *       compressors write): each such place is a candidate member start. Inside compressed data such bytes turn up
 *       about once in 200 GB;</li>
 *   <li>if all candidates are member starts, the four bytes before each one are the previous member's ISIZE, so
 *       every member's place in the output is known: each thread inflates a member and writes its output there,
 *       never outside the member's range;</li>
 *   <li>the calling thread accepts the members in order, each only if it inflated without error, its CRC-32 and
 *       ISIZE matched, it filled its range exactly and it ended exactly where the next candidate starts.</li>
 * </ol>
 * At the first member that fails any check (a wrong guess, a member of 4 GiB or more whose ISIZE wrapped, or a
 * real error) the threads stop and this returns where that member starts, with everything before it decoded and
 * written: the sequential decoder carries on from there, rewrites the rest of the output, and reports any real
 * error as such. A file with fewer than two candidates is left to the sequential decoder at once.
 */
final class MultiMemberDecoder {

    /** Compressed bytes copied out of the mapping at a time, and uncompressed bytes written at a time. */
    private static final int CHUNK = 1 << 20;
    private static final byte[] MAGIC = {(byte) GzipHeader.ID1, (byte) GzipHeader.ID2, (byte) GzipHeader.DEFLATE};
    /** Smallest member: a header, two bytes of deflate data, a trailer. */
    private static final int MIN_MEMBER = GzipHeader.FIXED_LENGTH + 2 + GzipHeader.TRAILER_LENGTH;

    private final Decoding decoding;
    private final MappedInput input;
    private final long size;
    private final int threads;
    private final Inflaters inflaters = new Inflaters();
    private final ConcurrentLinkedQueue<ByteBuffer> buffers = new ConcurrentLinkedQueue<>();

    MultiMemberDecoder(Decoding decoding) {
        this.decoding = decoding;
        this.input = decoding.input;
        this.size = input.size();
        this.threads = decoding.options.threads();
    }

    /** What inflating one candidate member gave. */
    private static final class Member {
        /** Where the member's trailer ends, if it inflated and checked; -1 otherwise. */
        long end = -1;
        long produced;
        int crc;
        boolean bgzf;
    }

    /**
     * Decodes the members from {@code start} in parallel; returns where it stopped: the end of the input, the end of
     * the last member (bytes follow that are not a candidate), or the start of the first member that failed a
     * check. Returns {@code start} if there are fewer than two candidates.
     */
    long run(long start) throws IOException {
        ExecutorService pool = Workers.start(threads);
        ExecutorService scanners = Workers.start(threads);
        try {
            Candidates candidates = new Candidates(start, scanners);
            if (candidates.next() != start) {
                return start;
            }
            long following = candidates.next();
            if (following < 0) {
                return start;
            }
            long candidate = start;
            long offset = decoding.uncompressed;
            int window = 2 * threads;
            ArrayDeque<Job> pending = new ArrayDeque<>();
            while (true) {
                while (candidate >= 0 && pending.size() < window) {
                    long limit = following >= 0 ? offset + input.readUnsignedInt(following - 4) : Long.MAX_VALUE;
                    long memberStart = candidate;
                    long memberOffset = offset;
                    pending.add(new Job(memberStart, memberOffset, limit, following,
                            pool.submit(() -> inflate(memberStart, memberOffset, limit))));
                    candidate = following;
                    offset = limit;
                    following = candidate >= 0 ? candidates.next() : -1;
                }
                Job job = pending.poll();
                Member member = Workers.await(job.result);
                boolean last = job.next < 0;
                if (member.end < 0 || (!last && (member.end != job.next
                        || member.produced != job.limit - job.offset))) {
                    return stop(pool, job.start);
                }
                decoding.members++;
                decoding.allBgzf &= member.bgzf;
                decoding.uncompressed += member.produced;
                decoding.crc = Crc32Combine.combine(decoding.crc, member.crc, member.produced);
                decoding.advance(member.produced, member.end);
                if (last) {
                    return stop(pool, member.end);
                }
            }
        } finally {
            Workers.stop(pool);
            Workers.stop(scanners);
            inflaters.close();
        }
    }

    /** A member given to a thread: where it starts, where its output goes, where the next one starts (or -1). */
    private record Job(long start, long offset, long limit, long next, Future<Member> result) {
    }

    /**
     * Stops the threads (so that none writes any more) and leaves the output where the sequential decoder carries
     * on: positioned after what was accepted.
     */
    private long stop(ExecutorService pool, long position) throws IOException {
        Workers.stop(pool);
        if (decoding.output != null) {
            decoding.output.seek(decoding.uncompressed);
        }
        return position;
    }

    /**
     * The candidate member starts from a position on, in order, found a round at a time (8 MiB of input per
     * thread, searched by threads of their own, so that a search never waits behind members being inflated), so
     * that only one round's candidates are held.
     */
    private final class Candidates {
        private static final long ROUND = 8L * CHUNK;
        private final ExecutorService pool;
        private final ArrayDeque<Long> found = new ArrayDeque<>();
        private long scanned;

        Candidates(long start, ExecutorService pool) {
            this.scanned = start;
            this.pool = pool;
        }

        /** The next candidate, or -1 when there are no more. */
        long next() throws IOException {
            while (found.isEmpty() && scanned < size) {
                long roundEnd = Math.min(size, scanned + ROUND * threads);
                List<Future<long[]>> parts = new ArrayList<>();
                for (int part = 0; part < threads; part++) {
                    long from = scanned + (roundEnd - scanned) * part / threads;
                    long to = scanned + (roundEnd - scanned) * (part + 1) / threads;
                    parts.add(pool.submit(() -> scan(from, to)));
                }
                for (Future<long[]> part : parts) {
                    for (long hit : Workers.await(part)) {
                        found.add(hit);
                    }
                }
                scanned = roundEnd;
            }
            Long next = found.poll();
            return next == null ? -1 : next;
        }
    }

    /** Candidates starting in {@code [from, to)}: the magic bytes, then a plausible header. */
    private long[] scan(long from, long to) throws IOException {
        long[] hits = new long[16];
        int count = 0;
        long end = Math.min(size, to + MAGIC.length - 1);
        for (long at = input.indexOf(MAGIC, from, end); at >= 0; at = input.indexOf(MAGIC, at + 1, end)) {
            if (size - at >= MIN_MEMBER && plausible(at)) {
                if (count == hits.length) {
                    hits = Arrays.copyOf(hits, count * 2);
                }
                hits[count++] = at;
            }
        }
        return Arrays.copyOf(hits, count);
    }

    /**
     * Whether the header at {@code at} is one a compressor writes: no reserved flag, {@code XFL} 0, 2 or 4, an
     * {@code OS} of RFC 1952 (0 to 13, or 255), and the rest of the header valid.
     */
    private boolean plausible(long at) throws IOException {
        byte[] fixed = input.read(at, GzipHeader.FIXED_LENGTH);
        int flags = fixed[3] & 0xff;
        int extraFlags = fixed[8] & 0xff;
        int os = fixed[9] & 0xff;
        if ((flags & GzipHeader.RESERVED_FLAGS) != 0 || (extraFlags != 0 && extraFlags != 2 && extraFlags != 4)
                || (os > 13 && os != GzipHeader.OS_UNKNOWN)) {
            return false;
        }
        try {
            GzipHeader.read(input.cursor(at), at);
            return true;
        } catch (GzipException notAHeader) {
            return false;
        }
    }

    /**
     * Inflates the candidate member at {@code start}, writing its output from {@code offset} but never at or past
     * {@code limit}; checks its trailer. A member that does not decode, or does not fit, comes back with
     * {@code end == -1}: the sequential decoder will tell why. Runs on a worker thread.
     */
    private Member inflate(long start, long offset, long limit) throws IOException {
        Member member = new Member();
        GzipHeader header;
        try {
            header = GzipHeader.read(input.cursor(start), start);
        } catch (GzipException e) {
            return member;
        }
        ByteBuffer in = buffer();
        ByteBuffer out = buffer();
        Inflater inflater = inflaters.take();
        CRC32 crc = new CRC32();
        try {
            long chunkStart = start + header.length();
            if (!load(in, chunkStart)) {
                return member;
            }
            inflater.reset();
            inflater.setInput(in);
            long produced = 0;
            while (true) {
                try {
                    inflater.inflate(out);
                } catch (DataFormatException e) {
                    return member;
                }
                if (!out.hasRemaining() || inflater.finished()) {
                    out.flip();
                    if (offset + produced + out.remaining() > limit) {
                        return member;
                    }
                    crc.update(out.duplicate());
                    produced += out.remaining();
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("interrupted while decompressing");
                    }
                    decoding.writeAt(out, offset + produced - out.remaining());
                    out.clear();
                }
                if (inflater.finished()) {
                    break;
                }
                if (inflater.needsDictionary()) {
                    return member;
                }
                if (inflater.needsInput()) {
                    chunkStart += in.limit();
                    if (!load(in, chunkStart)) {
                        return member;
                    }
                    inflater.setInput(in);
                }
            }
            long end = chunkStart + in.position();
            if (size - end < GzipHeader.TRAILER_LENGTH) {
                return member;
            }
            ByteBuffer trailer = ByteBuffer.wrap(input.read(end, GzipHeader.TRAILER_LENGTH))
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (trailer.getInt(0) != (int) crc.getValue() || trailer.getInt(4) != (int) produced) {
                return member;
            }
            member.end = end + GzipHeader.TRAILER_LENGTH;
            member.bgzf = header.isBgzf();
            member.produced = produced;
            member.crc = (int) crc.getValue();
            return member;
        } finally {
            inflaters.give(inflater);
            buffers.add(in);
            buffers.add(out);
        }
    }

    /** Copies the compressed chunk from {@code at} into {@code in}; false at the end of the input. */
    private boolean load(ByteBuffer in, long at) throws IOException {
        if (at >= size) {
            return false;
        }
        in.clear().limit((int) Math.min(CHUNK, size - at));
        input.read(at, in);
        in.flip();
        return true;
    }

    private ByteBuffer buffer() {
        ByteBuffer buffer = buffers.poll();
        return buffer == null ? ByteBuffer.allocateDirect(CHUNK) : buffer.clear();
    }
}
