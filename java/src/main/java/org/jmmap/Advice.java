package org.jmmap;

import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalInt;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Errors;

/**
 * Hints for {@link Mapping#advise(Advice)} ({@code madvise(2)}). Some change contents: {@link #DONT_NEED} on a
 * private mapping and {@link #FREE}/{@link #REMOVE} discard data. Which advice a mapping accepts depends on its kind
 * (shared or private, file or anonymous); the kernel answers {@code EINVAL} for the others.
 */
public enum Advice {
    /** {@code MADV_NORMAL}: default read-ahead. */
    NORMAL("MADV_NORMAL"),
    /** {@code MADV_RANDOM}: expect random access; no read-ahead. */
    RANDOM("MADV_RANDOM"),
    /** {@code MADV_SEQUENTIAL}: expect sequential access; aggressive read-ahead, pages dropped soon after use. */
    SEQUENTIAL("MADV_SEQUENTIAL"),
    /** {@code MADV_WILLNEED}: start reading the range in now. */
    WILL_NEED("MADV_WILLNEED"),
    /**
     * {@code MADV_DONTNEED}: drop the pages now. Shared file pages are re-read from the file; private and anonymous
     * pages come back zero-filled (private file pages: as the file holds them).
     */
    DONT_NEED("MADV_DONTNEED"),
    /** {@code MADV_FREE}: private anonymous pages may be freed lazily; until then they keep their data. */
    FREE("MADV_FREE"),
    /** {@code MADV_REMOVE}: free the range and its backing store (punches a hole in a shared file or shm). */
    REMOVE("MADV_REMOVE"),
    /** {@code MADV_DONTFORK}: a forked child does not get the range. */
    DONT_FORK("MADV_DONTFORK"),
    /** {@code MADV_DOFORK}: undo {@link #DONT_FORK}. */
    DO_FORK("MADV_DOFORK"),
    /** {@code MADV_MERGEABLE}: let KSM merge identical private anonymous pages. */
    MERGEABLE("MADV_MERGEABLE"),
    /** {@code MADV_UNMERGEABLE}: undo {@link #MERGEABLE}. */
    UNMERGEABLE("MADV_UNMERGEABLE"),
    /** {@code MADV_HUGEPAGE}: back the range with transparent huge pages where possible. */
    HUGE_PAGE("MADV_HUGEPAGE"),
    /** {@code MADV_NOHUGEPAGE}: no transparent huge pages for the range. */
    NO_HUGE_PAGE("MADV_NOHUGEPAGE"),
    /** {@code MADV_DONTDUMP}: leave the range out of core dumps. */
    DONT_DUMP("MADV_DONTDUMP"),
    /** {@code MADV_DODUMP}: undo {@link #DONT_DUMP}. */
    DO_DUMP("MADV_DODUMP"),
    /** {@code MADV_COLD}: the pages are good candidates for reclaim (Linux 5.4+). */
    COLD("MADV_COLD"),
    /** {@code MADV_PAGEOUT}: reclaim the pages now (Linux 5.4+). */
    PAGE_OUT("MADV_PAGEOUT"),
    /** {@code MADV_POPULATE_READ}: fault the pages in readable, as a read would (Linux 5.14+). */
    POPULATE_READ("MADV_POPULATE_READ"),
    /** {@code MADV_POPULATE_WRITE}: fault the pages in writable, as a write would (Linux 5.14+). */
    POPULATE_WRITE("MADV_POPULATE_WRITE");

    private final String constantName;

    Advice(String constantName) {
        this.constantName = constantName;
    }

    /** The C name of this advice, such as {@code "MADV_WILLNEED"}. */
    public String constantName() {
        return constantName;
    }

    /**
     * Whether this platform knows the advice: jmmap was built with it and the running kernel accepts it (checked
     * once, on a scratch page). {@link Mapping#advise} throws {@link UnsupportedOperationException} for advice that
     * is not supported, so that best-effort callers can test this first.
     */
    public boolean isSupported() {
        return Support.SUPPORTED[ordinal()];
    }

    /** The value to pass to madvise, if the platform defines it. */
    OptionalInt value() {
        return Backends.get().constants().find(constantName);
    }

    /**
     * The value to pass to madvise, for an advice that {@link #isSupported()}: looked up once, because
     * {@link Mapping#advise} is called per page range in loops (a name lookup per call cost a quarter of it).
     */
    int supportedValue() {
        return Support.VALUES[ordinal()];
    }

    /** Probes every advice once on scratch pages. */
    private static final class Support {
        static final boolean[] SUPPORTED = new boolean[values().length];
        static final int[] VALUES = new int[values().length];

        static {
            Map<Advice, Boolean> probed = probe();
            for (Advice advice : values()) {
                SUPPORTED[advice.ordinal()] = probed.get(advice);
                VALUES[advice.ordinal()] = advice.value().orElse(-1);
            }
        }

        private static Map<Advice, Boolean> probe() {
            Backend backend = Backends.get();
            int page = backend.constants().pageSize();
            int einval = Errors.EINVAL;
            Map<Advice, Boolean> supported = new EnumMap<>(Advice.class);
            for (Advice advice : values()) {
                OptionalInt value = advice.value();
                if (value.isEmpty()) {
                    supported.put(advice, false);
                    continue;
                }
                // REMOVE only works on shared mappings, FREE only on private ones: probe each where it applies.
                boolean shared = advice == REMOVE;
                int flags = backend.constants().get("MAP_ANONYMOUS")
                        | backend.constants().get(shared ? "MAP_SHARED" : "MAP_PRIVATE");
                int protection = backend.constants().get("PROT_READ") | backend.constants().get("PROT_WRITE");
                long scratch = backend.mmap(0, page, protection, flags, -1, 0);
                if (scratch < 0) {
                    supported.put(advice, true); // cannot probe: let madvise itself answer
                    continue;
                }
                int result = backend.madvise(scratch, page, value.getAsInt());
                backend.munmap(scratch, page);
                supported.put(advice, result != -einval);
            }
            return supported;
        }
    }
}
