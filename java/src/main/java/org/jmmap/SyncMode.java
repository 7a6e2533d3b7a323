package org.jmmap;

/** How {@link Mapping#sync(long, long, SyncMode)} writes modified pages back to the file ({@code msync(2)}). */
public enum SyncMode {
    /** {@code MS_SYNC}: write back and wait until the data is on the storage device. */
    SYNC,
    /** {@code MS_ASYNC}: schedule the write-back and return at once. */
    ASYNC,
    /**
     * {@code MS_SYNC|MS_INVALIDATE}: write back and wait, then ask that other mappings of the file see the new
     * data (Linux keeps shared mappings coherent anyway); fails with {@code EBUSY} on locked pages.
     */
    INVALIDATE
}
