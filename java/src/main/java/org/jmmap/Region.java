package org.jmmap;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;
import org.jmmap.internal.Errors;

/**
 * One {@code mmap}ed address range and the {@link Memory} Java reads and writes it through. Immutable; a
 * {@link Mapping} swaps its region on resize and close.
 *
 * <p>Lifetime (DESIGN decision 3): the range is never unmapped while any Java object can still reach it. Closing
 * or resizing replaces it in place, atomically, with an inert private anonymous mapping (a <em>tombstone</em>:
 * readable, writable, zero-filled), so that a racing access or a stale view reads zeros instead of faulting. Every
 * object through which Java can reach the range holds a pin on it ({@link Release}): each root {@code ByteBuffer}
 * (the windows, and views that do not fit in one), and on JDK 22+ the scope of the region's {@code MemorySegment}.
 * Views made by slicing a window keep that window reachable. When a pin's holder becomes unreachable the pin is
 * dropped, and the last pin unmaps the range. Native bulk operations keep the region itself reachable
 * ({@code Reference.reachabilityFence}) for the duration of the call.
 */
final class Region {

    private static final Backend NATIVE = Backends.get();
    private static final Constants C = NATIVE.constants();
    private static final int TOMBSTONE_PROTECTION = C.get("PROT_READ") | C.get("PROT_WRITE");
    private static final int TOMBSTONE_FLAGS =
            C.get("MAP_PRIVATE") | C.get("MAP_ANONYMOUS") | C.get("MAP_FIXED") | C.get("MAP_NORESERVE");

    /**
     * The one Cleaner of the core (one thread): it drops the pins of collected buffers and closes the descriptors of
     * mappings dropped without close.
     */
    static final Cleaner CLEANER = Cleaner.create();
    /** Ranges tombstoned but still waiting for their buffers to be collected. */
    private static final AtomicLong PENDING_TOMBSTONES = new AtomicLong();
    /**
     * Ranges mapped and not yet unmapped: open, tombstoned, or dropped without close and waiting for the collector.
     * The last two hold address space and map entries that a garbage collection releases.
     */
    private static final AtomicLong MAPPED_RANGES = new AtomicLong();
    /** {@code vm.max_map_count}: how many mappings the kernel allows a process (the JVM's own included). */
    private static final long MAX_MAP_COUNT = maxMapCount();
    /**
     * The number of mapped ranges at which to ask for a garbage collection. Ranges dropped without close hold a
     * map entry each until collected, and the JVM dies when it cannot map memory of its own (heap, metaspace,
     * thread stacks), so jmmap collects well before the kernel's limit rather than only when mmap fails at it
     * (which {@link #mmapRetrying} still handles).
     */
    private static volatile long collectAt = MAX_MAP_COUNT / 2;

    /** What a closed mapping points at: every bounds check fails against length -1. */
    static final Region CLOSED = new Region();

    /** Address of the mapping's byte 0. */
    final long address;
    /** Length of the mapping in bytes, as the user asked for it. */
    final long length;
    /** Element access and views. */
    final Memory memory;
    final boolean readOnly;
    /** The range the kernel mapped: page aligned (huge-page aligned for hugetlb), covering [address, +length). */
    final long base;
    final long mappedLength;
    private final Release release;

    private Region() {
        this.address = 0;
        this.length = -1;
        this.memory = Memory.CLOSED;
        this.readOnly = true;
        this.base = 0;
        this.mappedLength = 0;
        this.release = null;
    }

    /**
     * Wraps a range the kernel just mapped. On failure the range is unmapped before the exception propagates.
     *
     * @param base         what mmap returned
     * @param mappedLength the length to unmap, page (or huge page) aligned
     * @param skip         bytes between {@code base} and the mapping's byte 0 (a file offset not page aligned)
     */
    Region(long base, long mappedLength, long skip, long length, boolean readOnly) {
        this.address = base + skip;
        this.length = length;
        this.readOnly = readOnly;
        this.base = base;
        this.mappedLength = mappedLength;
        this.release = new Release(base, mappedLength);
        long mapped = MAPPED_RANGES.incrementAndGet();
        if (mapped >= collectAt) {
            collectAt = mapped + MAX_MAP_COUNT / 8; // if the ranges are all in use, ask again only after more
            System.gc(); // the Cleaner then unmaps the unreachable ones
        }
        try {
            this.memory = new Memory(address, length, readOnly, release);
        } catch (RuntimeException | Error e) {
            if (release.pins.get() == 0) {
                NATIVE.munmap(base, mappedLength);
                MAPPED_RANGES.decrementAndGet();
            }
            // otherwise the pin holders unmap the range once collected
            throw e;
        }
    }

    /**
     * Replaces the whole range with the inert tombstone mapping. Afterwards every buffer over it reads zeros and
     * writes go nowhere; the last buffer to be collected unmaps it.
     */
    void tombstone() {
        long result = mmapRetrying(base, mappedLength, TOMBSTONE_PROTECTION, TOMBSTONE_FLAGS, -1, 0);
        if (result < 0) {
            throw new UncheckedIOException(Errors.errno("mmap", result,
                    "address=0x" + Long.toHexString(base) + ", length=" + mappedLength + ", MAP_FIXED tombstone",
                    "the mapping stays open"));
        }
        PENDING_TOMBSTONES.incrementAndGet();
        release.tombstoned = true;
    }

    /**
     * {@code mmap}, retried when it fails with ENOMEM while ranges wait for the garbage collector (tombstones, and
     * mappings dropped without close): they hold address space and {@code vm.max_map_count} entries that a GC
     * releases (NIO does the same for direct memory).
     */
    static long mmapRetrying(long address, long length, int protection, int flags, int fd, long offset) {
        long result = NATIVE.mmap(address, length, protection, flags, fd, offset);
        if (result != -Errors.ENOMEM || MAPPED_RANGES.get() == 0) {
            return result;
        }
        return retryAfterCollection(() -> NATIVE.mmap(address, length, protection, flags, fd, offset),
                failed -> failed == -Errors.ENOMEM);
    }

    /**
     * Asks the garbage collector to release unreachable mappings (their Cleaners unmap ranges and close
     * descriptors), then retries {@code call} while its result still {@code fails}, for about half a second.
     */
    static long retryAfterCollection(LongSupplier call, LongPredicate fails) {
        System.gc();
        long result = call.getAsLong();
        boolean interrupted = false;
        for (long sleep = 1; sleep <= 256 && fails.test(result); sleep <<= 1) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            result = call.getAsLong();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    private static long maxMapCount() {
        try {
            // One read: a sysctl file reads as empty from any offset but 0, so Files.readString (which starts with a
            // one-byte read on a file whose size says 0) would see only its first digit. A FileInputStream, not
            // Files: the first mapping of a JVM would load the JDK's file channel classes only for this.
            byte[] line;
            try (InputStream in = new FileInputStream("/proc/sys/vm/max_map_count")) {
                line = in.readNBytes(32);
            }
            return Long.parseLong(new String(line, StandardCharsets.ISO_8859_1).trim());
        } catch (IOException | RuntimeException e) {
            return 65530; // the kernel's default (DEFAULT_MAX_MAP_COUNT)
        }
    }

    /** Number of tombstoned ranges still waiting for their buffers to be collected. */
    static long pendingTombstones() {
        return PENDING_TOMBSTONES.get();
    }

    /**
     * Counts the pins on a range (objects through which Java can reach it); the last one dropped unmaps it. Must not
     * reference the pin holders. Its {@link #run()} drops one pin (a class rather than a method reference: no
     * lambda bootstrap on the first mapping of a JVM).
     */
    static final class Release implements Runnable {
        final long base;
        final long mappedLength;
        final AtomicInteger pins = new AtomicInteger();
        volatile boolean tombstoned;

        Release(long base, long mappedLength) {
            this.base = base;
            this.mappedLength = mappedLength;
        }

        /** Pins the range until {@code holder} becomes unreachable. */
        void pin(Object holder) {
            pins.incrementAndGet();
            CLEANER.register(holder, this);
        }

        /** Pins the range until the returned action runs; it must run exactly once. */
        Runnable pinned() {
            pins.incrementAndGet();
            return this;
        }

        /** Drops one pin. */
        @Override
        public void run() {
            if (pins.decrementAndGet() == 0) {
                // Nothing can reach the range any more. A failure here has no one to report to, and cannot
                // happen for a range we mapped ourselves.
                NATIVE.munmap(base, mappedLength);
                long mapped = MAPPED_RANGES.decrementAndGet();
                if (mapped + MAX_MAP_COUNT / 4 < collectAt) { // collected: back to the first threshold
                    collectAt = Math.max(MAX_MAP_COUNT / 2, mapped + MAX_MAP_COUNT / 8);
                }
                if (tombstoned) {
                    PENDING_TOMBSTONES.decrementAndGet();
                }
            }
        }
    }
}
