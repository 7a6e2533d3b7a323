package org.jmmap;

/** Extra {@code mmap(2)} flags. */
public enum MapOption {
    /** {@code MAP_POPULATE}: fault every page in before {@code map} returns (read ahead for files). */
    POPULATE,
    /**
     * {@code MAP_NORESERVE}: reserve no swap space for the mapping, so that a huge sparse mapping does not count
     * against the overcommit limit. If memory runs out when a page is first written, the kernel kills the process
     * (there is no exception to catch): use it for mappings that stay sparse.
     */
    NORESERVE,
    /**
     * {@code MAP_HUGETLB}: back an anonymous mapping with huge pages from the pool the administrator reserved
     * ({@code /proc/sys/vm/nr_hugepages}); fails with {@code ENOMEM} when the pool is too small and with
     * {@code EINVAL} for files outside hugetlbfs. For transparent huge pages use {@link Advice#HUGE_PAGE} instead.
     */
    HUGE_PAGES,
    /**
     * {@code MAP_LOCKED}: lock the pages in memory as {@code mlock} would. Subject to {@code RLIMIT_MEMLOCK}
     * unless the process has {@code CAP_IPC_LOCK}: beyond it the mapping fails with {@code EAGAIN} ({@code EPERM}
     * when the limit is 0). A resized mapping stays locked.
     */
    LOCKED
}
