package org.jmmap;

/**
 * Which pages of a range were resident in memory when {@link Mapping#residency()} asked the kernel
 * ({@code mincore(2)}). Page 0 is the page holding the first byte of the range. A snapshot: pages come and go.
 * A result passed back to {@link Mapping#residency(long, long, Residency)} is overwritten by the next snapshot.
 */
public final class Residency {

    private long pages;
    private final long[] bits;
    private long residentPages;

    private Residency(long[] bits) {
        this.bits = bits;
    }

    /** An empty result with room for {@code pages} pages, for {@link Mapping} to fill. */
    static Residency forPages(long pages) {
        if (pages > (long) Integer.MAX_VALUE << 6) {
            throw new IllegalArgumentException("pages=" + pages + ": at most " + ((long) Integer.MAX_VALUE << 6));
        }
        return new Residency(new long[(int) ((pages + 63) >>> 6)]);
    }

    /** Whether this result's storage holds {@code pages} pages. */
    boolean fits(long pages) {
        return (pages + 63) >>> 6 <= bits.length;
    }

    /** The storage {@link Mapping} fills: page {@code i} is bit {@code i & 63} of word {@code i >>> 6}. */
    long[] bits() {
        return bits;
    }

    void set(long pages, long residentPages) {
        this.pages = pages;
        this.residentPages = residentPages;
    }

    /** Number of pages in the range. */
    public long pages() {
        return pages;
    }

    /** Number of those pages that were resident. */
    public long residentPages() {
        return residentPages;
    }

    /**
     * Whether page {@code page} (0 = the page holding the range's first byte) was resident.
     *
     * @throws IndexOutOfBoundsException if {@code page} is not in {@code [0, pages())}
     */
    public boolean isResident(long page) {
        if (page < 0 || page >= pages) {
            throw new IndexOutOfBoundsException("page=" + page + " pages=" + pages);
        }
        return (bits[(int) (page >>> 6)] & (1L << page)) != 0;
    }

    /** {@code residentPages() / pages()}, in {@code [0, 1]}. */
    public double fraction() {
        return pages == 0 ? 0 : (double) residentPages / pages;
    }

    @Override
    public String toString() {
        return "Residency[pages=" + pages + ", residentPages=" + residentPages + "]";
    }
}
