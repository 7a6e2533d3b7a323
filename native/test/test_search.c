/* jmmap_index_of / jmmap_last_index_of against a naive reference, on fixed and random inputs. */
#define _GNU_SOURCE
#include "check.h"
#include "jmmap_bulk.h"

#include <stdint.h>
#include <string.h>

static int64_t naive_index_of(const unsigned char *h, size_t hl, const unsigned char *n, size_t nl) {
    if (nl > hl) {
        return -1;
    }
    for (size_t i = 0; i + nl <= hl; i++) {
        if (memcmp(h + i, n, nl) == 0) {
            return (int64_t)i;
        }
    }
    return -1;
}

static int64_t naive_last_index_of(const unsigned char *h, size_t hl, const unsigned char *n, size_t nl) {
    if (nl > hl) {
        return -1;
    }
    for (size_t i = hl - nl + 1; i-- > 0;) {
        if (memcmp(h + i, n, nl) == 0) {
            return (int64_t)i;
        }
    }
    return -1;
}

static uint64_t state = 0x9E3779B97F4A7C15ull;
static unsigned next_random(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state >> 32);
}

static void fixed_cases(void) {
    const char *text = "abracadabra";
    size_t length = strlen(text);
    CHECK_EQ(0, jmmap_index_of(text, length, "abra", 4));
    CHECK_EQ(7, jmmap_last_index_of(text, length, "abra", 4));
    CHECK_EQ(4, jmmap_index_of(text, length, "c", 1));
    CHECK_EQ(10, jmmap_last_index_of(text, length, "a", 1));
    CHECK_EQ(-1, jmmap_index_of(text, length, "abrax", 5));
    CHECK_EQ(-1, jmmap_last_index_of(text, length, "z", 1));
    CHECK_EQ(0, jmmap_index_of(text, length, "", 0));            /* empty needle: found at the start */
    CHECK_EQ(11, jmmap_last_index_of(text, length, "", 0));      /* ... and, backwards, at the end */
    CHECK_EQ(-1, jmmap_index_of("ab", 2, "abc", 3));              /* needle longer than haystack */
    CHECK_EQ(-1, jmmap_last_index_of("ab", 2, "abc", 3));
    CHECK_EQ(0, jmmap_index_of(text, length, text, length));      /* needle == haystack */
    CHECK_EQ(0, jmmap_last_index_of(text, length, text, length));
    CHECK_EQ(-1, jmmap_index_of(text, 0, "a", 1));                /* empty haystack */
    CHECK_EQ(0, jmmap_last_index_of(text, 0, "", 0));
    unsigned char zeros[64] = {0};
    unsigned char needle[3] = {0, 0, 0};
    CHECK_EQ(0, jmmap_index_of(zeros, sizeof zeros, needle, 3));
    CHECK_EQ(61, jmmap_last_index_of(zeros, sizeof zeros, needle, 3));
}

static void random_cases(void) {
    unsigned char haystack[512];
    unsigned char needle[8];
    for (int round = 0; round < 200000; round++) {
        size_t hl = next_random() % sizeof haystack;
        size_t nl = next_random() % sizeof needle;
        unsigned alphabet = 1 + next_random() % 3; /* tiny alphabets make partial matches common */
        for (size_t i = 0; i < hl; i++) {
            haystack[i] = (unsigned char)('a' + next_random() % alphabet);
        }
        for (size_t i = 0; i < nl; i++) {
            needle[i] = (unsigned char)('a' + next_random() % alphabet);
        }
        int64_t expected_first = nl == 0 ? 0 : naive_index_of(haystack, hl, needle, nl);
        int64_t expected_last = nl == 0 ? (int64_t)hl : naive_last_index_of(haystack, hl, needle, nl);
        CHECK_EQ(expected_first, jmmap_index_of(haystack, hl, needle, nl));
        CHECK_EQ(expected_last, jmmap_last_index_of(haystack, hl, needle, nl));
    }
}

int main(void) {
    fixed_cases();
    random_cases();
    puts("test_search: ok");
    return 0;
}
