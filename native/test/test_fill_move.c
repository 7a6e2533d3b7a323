/* jmmap_fill and jmmap_move (overlapping in both directions) against a byte-by-byte reference. */
#define _GNU_SOURCE
#include "check.h"
#include "jmmap_bulk.h"

#include <string.h>

#define SIZE 4096

static void reference_move(unsigned char *buffer, size_t destination, size_t source, size_t length) {
    unsigned char copy[SIZE];
    memcpy(copy, buffer + source, length);
    memcpy(buffer + destination, copy, length);
}

int main(void) {
    unsigned char actual[SIZE], expected[SIZE];
    for (size_t i = 0; i < SIZE; i++) {
        actual[i] = expected[i] = (unsigned char)(i * 31 + 7);
    }
    CHECK_EQ(0, jmmap_fill(actual + 100, 1000, 0xAB));
    memset(expected + 100, 0xAB, 1000);
    CHECK(memcmp(actual, expected, SIZE) == 0);
    CHECK_EQ(0, jmmap_fill(actual, 0, 0x11)); /* zero length: nothing changes */
    CHECK(memcmp(actual, expected, SIZE) == 0);

    size_t cases[][3] = {{0, 10, 500}, {10, 0, 500}, {1, 0, 4095}, {0, 1, 4095}, {2000, 2000, 100}, {7, 3, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t i = 0; i < SIZE; i++) {
            actual[i] = expected[i] = (unsigned char)(i * 13 + c);
        }
        CHECK_EQ(0, jmmap_move(actual + cases[c][0], actual + cases[c][1], cases[c][2]));
        reference_move(expected, cases[c][0], cases[c][1], cases[c][2]);
        CHECK(memcmp(actual, expected, SIZE) == 0);
    }
    puts("test_fill_move: ok");
    return 0;
}
