package org.jmmap;

/**
 * Which pages of a range were resident in memory when {@link Mapping#residency()} asked the kernel
 * ({@code mincore(2)}). Page 0 is the page holding the first byte of the range. A snapshot: pages come and go.
 */
public final class Residency {

    private final long pages;
    private final long[] bits;
    private final long residentPages;

    Residency(long pages, long[] bits) {
        this.pages = pages;
        this.bits = bits;
        long count = 0;
        for (long word : bits) {
            count += Long.bitCount(word);
        }
        this.residentPages = count;
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
