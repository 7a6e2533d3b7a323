package org.jmmap;

/** How a file is mapped. */
public enum MapMode {
    /**
     * {@code MAP_SHARED}, {@code PROT_READ}: reads see the file and every other shared mapping of it; every write
     * method throws {@link java.nio.ReadOnlyBufferException}. The file must cover the mapped range.
     */
    READ_ONLY,
    /**
     * {@code MAP_SHARED}, {@code PROT_READ|PROT_WRITE}: writes reach the file (durably after
     * {@link Mapping#sync()}) and are seen at once by every other shared mapping of it, in any process. A missing
     * file is created and a short one extended to the end of the range; a file is never shrunk by mapping it.
     */
    READ_WRITE,
    /**
     * {@code MAP_PRIVATE}, copy-on-write: reads see the file until a page is written; writes stay in this mapping
     * and never reach the file or any other mapping. The file must cover the mapped range.
     */
    PRIVATE
}
