/* Minimal assertions for the C unit tests: report file:line and the failed expression, then exit 1. */
#ifndef JMMAP_CHECK_H
#define JMMAP_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(condition)                                                                            \
    do {                                                                                            \
        if (!(condition)) {                                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition);           \
            exit(1);                                                                                \
        }                                                                                           \
    } while (0)

#define CHECK_EQ(expected, actual)                                                                  \
    do {                                                                                            \
        long long expected_ = (long long)(expected), actual_ = (long long)(actual);                 \
        if (expected_ != actual_) {                                                                 \
            fprintf(stderr, "%s:%d: expected %s == %lld, got %lld\n", __FILE__, __LINE__, #actual,  \
                    expected_, actual_);                                                            \
            exit(1);                                                                                \
        }                                                                                           \
    } while (0)

#endif
