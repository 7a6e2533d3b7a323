/*
 * jmmap_reduce against plain reference loops: every element type and reduction, both byte orders, contiguous,
 * strided and whole-array (lanes) layouts, NaN propagation in min and max, wrapping integer sums, the -EINVAL
 * checks, and -EFAULT over a file truncated under its mapping.
 */
#define _GNU_SOURCE
#include "check.h"
#include "jmmap_bulk.h"
#include "jmmap_reduce.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ROWS 37
#define COLUMNS 1500 /* more than a tile of 1024 */

static const int sizes[JMMAP_ELEMENT_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 4, 8};

static int is_float(int element) {
    return element >= JMMAP_ELEMENT_FLOAT16;
}

static int is_unsigned(int element) {
    return element == JMMAP_ELEMENT_UINT8 || element == JMMAP_ELEMENT_UINT16 || element == JMMAP_ELEMENT_UINT32 ||
           element == JMMAP_ELEMENT_UINT64;
}

/* Value number n of an element type, as the element's bits (native order) and as the exact value. */
static uint64_t bits_of(int element, int64_t n, double *exact, int64_t *integer) {
    int64_t v = (n * 2654435761) ^ (n << 7);
    switch (element) {
        case JMMAP_ELEMENT_BOOL: *integer = (v & 3) == 0; *exact = (double)*integer; return (uint64_t)*integer;
        case JMMAP_ELEMENT_INT8: *integer = (int8_t)v; break;
        case JMMAP_ELEMENT_UINT8: *integer = (uint8_t)v; break;
        case JMMAP_ELEMENT_INT16: *integer = (int16_t)v; break;
        case JMMAP_ELEMENT_UINT16: *integer = (uint16_t)v; break;
        case JMMAP_ELEMENT_INT32: *integer = (int32_t)v; break;
        case JMMAP_ELEMENT_UINT32: *integer = (uint32_t)v; break;
        case JMMAP_ELEMENT_INT64: *integer = (int64_t)((uint64_t)v * 1000003u); break;
        case JMMAP_ELEMENT_UINT64: *integer = (int64_t)((uint64_t)v * 1000003u); *exact = (double)(uint64_t)*integer; return (uint64_t)*integer;
        case JMMAP_ELEMENT_FLOAT16: { /* (v mod 4096 - 2048) / 8 is exact in half precision */
            double d = (double)((v & 4095) - 2048) / 8.0;
            *exact = d;
            float f = (float)d;
            uint32_t b;
            memcpy(&b, &f, 4);
            uint32_t sign = (b >> 16) & 0x8000u, exponent = (b >> 23) & 0xffu, mantissa = b & 0x7fffffu;
            if (d == 0) {
                return sign;
            }
            return sign | (exponent - 112) << 10 | mantissa >> 13;
        }
        case JMMAP_ELEMENT_FLOAT32: {
            float f = (float)((v & 0xfffff) - 0x80000) * 0.125f;
            *exact = f;
            uint32_t b;
            memcpy(&b, &f, 4);
            return b;
        }
        default: {
            double d = (double)(v % 1000000) * 0.001;
            *exact = d;
            uint64_t b;
            memcpy(&b, &d, 8);
            return b;
        }
    }
    *exact = (double)*integer;
    return (uint64_t)*integer;
}

static void store(unsigned char *p, uint64_t bits, int size, int swapped) {
    switch (size) {
        case 1: *p = (unsigned char)bits; break;
        case 2: { uint16_t v = (uint16_t)bits; if (swapped) v = __builtin_bswap16(v); memcpy(p, &v, 2); break; }
        case 4: { uint32_t v = (uint32_t)bits; if (swapped) v = __builtin_bswap32(v); memcpy(p, &v, 4); break; }
        default: { uint64_t v = bits; if (swapped) v = __builtin_bswap64(v); memcpy(p, &v, 8); break; }
    }
}

static unsigned char data[ROWS * COLUMNS * 8 * 2 + 64];

/* Reduces a ROWS x COLUMNS array laid out with a gap of `gap` bytes after each element and checks every column. */
static void check_layout(int element, int reduction, int swapped, int gap, int columns) {
    int size = sizes[element];
    int64_t element_stride = size + gap;
    int64_t stride = element_stride * columns + 3; /* rows not aligned to anything */
    static double exact[ROWS][COLUMNS];
    static int64_t integer[ROWS][COLUMNS];
    for (int k = 0; k < ROWS; k++) {
        for (int j = 0; j < columns; j++) {
            uint64_t bits = bits_of(element, (int64_t)k * columns + j, &exact[k][j], &integer[k][j]);
            store(data + 1 + k * stride + j * element_stride, bits, size, swapped);
        }
    }
    static uint64_t accumulators[COLUMNS];
    int doubles = is_float(element) || reduction == JMMAP_REDUCE_SUM_DOUBLE;
    for (int j = 0; j < columns; j++) {
        double start_double = reduction == JMMAP_REDUCE_MIN ? INFINITY : reduction == JMMAP_REDUCE_MAX ? -INFINITY : 0;
        uint64_t start_int = reduction == JMMAP_REDUCE_MIN ? (is_unsigned(element) ? UINT64_MAX : (uint64_t)INT64_MAX)
                           : reduction == JMMAP_REDUCE_MAX ? (is_unsigned(element) ? 0 : (uint64_t)INT64_MIN) : 0;
        if (doubles) {
            memcpy(&accumulators[j], &start_double, 8);
        } else {
            accumulators[j] = start_int;
        }
    }
    CHECK_EQ(0, jmmap_reduce(data + 1, element, swapped, reduction, ROWS, stride, columns, element_stride,
                             accumulators));
    for (int j = 0; j < columns; j++) {
        if (doubles) {
            double want = reduction == JMMAP_REDUCE_MIN ? INFINITY : reduction == JMMAP_REDUCE_MAX ? -INFINITY : 0;
            for (int k = 0; k < ROWS; k++) {
                double x = exact[k][j];
                want = reduction == JMMAP_REDUCE_MIN ? (x < want ? x : want)
                     : reduction == JMMAP_REDUCE_MAX ? (x > want ? x : want) : want + x;
            }
            double got;
            memcpy(&got, &accumulators[j], 8);
            if (got != want) {
                fprintf(stderr, "element %d reduction %d swapped %d gap %d column %d: %.17g != %.17g\n", element,
                        reduction, swapped, gap, j, got, want);
                exit(1);
            }
        } else {
            uint64_t want = reduction == JMMAP_REDUCE_MIN ? (is_unsigned(element) ? UINT64_MAX : (uint64_t)INT64_MAX)
                          : reduction == JMMAP_REDUCE_MAX ? (is_unsigned(element) ? 0 : (uint64_t)INT64_MIN) : 0;
            for (int k = 0; k < ROWS; k++) {
                uint64_t x = (uint64_t)integer[k][j];
                if (reduction == JMMAP_REDUCE_SUM) {
                    want += x;
                } else if (is_unsigned(element)) {
                    want = reduction == JMMAP_REDUCE_MIN ? (x < want ? x : want) : (x > want ? x : want);
                } else {
                    want = reduction == JMMAP_REDUCE_MIN ? ((int64_t)x < (int64_t)want ? x : want)
                                                         : ((int64_t)x > (int64_t)want ? x : want);
                }
            }
            CHECK_EQ(want, accumulators[j]);
        }
    }
}

static void nan_sticks(void) {
    double values[8] = {1, 2, NAN, -5, 3, NAN, 0, 9};
    double accumulators[2] = {INFINITY, -INFINITY};
    CHECK_EQ(0, jmmap_reduce(values, JMMAP_ELEMENT_FLOAT64, 0, JMMAP_REDUCE_MIN, 8, 8, 1, 8, &accumulators[0]));
    CHECK_EQ(0, jmmap_reduce(values, JMMAP_ELEMENT_FLOAT64, 0, JMMAP_REDUCE_MAX, 8, 8, 1, 8, &accumulators[1]));
    CHECK(isnan(accumulators[0]) && isnan(accumulators[1]));
    double clean[2] = {INFINITY, -INFINITY};
    CHECK_EQ(0, jmmap_reduce(values, JMMAP_ELEMENT_FLOAT64, 0, JMMAP_REDUCE_MIN, 2, 8, 1, 8, &clean[0]));
    CHECK(clean[0] == 1);
    float halves[2] = {NAN, 1};
    double sum = 0;
    CHECK_EQ(0, jmmap_reduce(halves, JMMAP_ELEMENT_FLOAT32, 0, JMMAP_REDUCE_SUM, 2, 4, 1, 4, &sum));
    CHECK(isnan(sum));
}

static void wrapping_sums(void) {
    int64_t values[2] = {INT64_MAX, 2};
    uint64_t sum = 0;
    CHECK_EQ(0, jmmap_reduce(values, JMMAP_ELEMENT_INT64, 0, JMMAP_REDUCE_SUM, 2, 8, 1, 8, &sum));
    CHECK_EQ(INT64_MIN + 1, (int64_t)sum);
    double as_double = 0;
    CHECK_EQ(0, jmmap_reduce(values, JMMAP_ELEMENT_INT64, 0, JMMAP_REDUCE_SUM_DOUBLE, 2, 8, 1, 8, &as_double));
    CHECK(as_double == 9223372036854775808.0);
}

static void invalid_arguments(void) {
    uint64_t accumulator = 0;
    CHECK_EQ(-EINVAL, jmmap_reduce(data, JMMAP_ELEMENT_COUNT, 0, JMMAP_REDUCE_SUM, 1, 8, 1, 8, &accumulator));
    CHECK_EQ(-EINVAL, jmmap_reduce(data, -1, 0, JMMAP_REDUCE_SUM, 1, 8, 1, 8, &accumulator));
    CHECK_EQ(-EINVAL, jmmap_reduce(data, JMMAP_ELEMENT_INT8, 0, JMMAP_REDUCE_COUNT, 1, 8, 1, 8, &accumulator));
    CHECK_EQ(-EINVAL, jmmap_reduce(data, JMMAP_ELEMENT_INT8, 0, JMMAP_REDUCE_SUM, -1, 8, 1, 8, &accumulator));
    CHECK_EQ(-EINVAL, jmmap_reduce(data, JMMAP_ELEMENT_INT8, 0, JMMAP_REDUCE_SUM, 1, -8, 1, 8, &accumulator));
    CHECK_EQ(0, jmmap_reduce(NULL, JMMAP_ELEMENT_INT8, 0, JMMAP_REDUCE_SUM, 0, 8, 1, 8, &accumulator));
    CHECK_EQ(0, accumulator);
}

/* A reduction over pages of a file truncated under its mapping returns -EFAULT, and the next one works. */
static void truncated_file(void) {
    long page = sysconf(_SC_PAGESIZE);
    char name[] = "/tmp/jmmap-reduce-XXXXXX";
    int fd = mkstemp(name);
    CHECK(fd >= 0);
    CHECK(unlink(name) == 0);
    CHECK(ftruncate(fd, 4 * page) == 0);
    double *mapped = mmap(NULL, (size_t)(4 * page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(mapped != MAP_FAILED);
    for (long i = 0; i < 4 * page / 8; i++) {
        mapped[i] = 1.0;
    }
    CHECK(ftruncate(fd, page) == 0);
    double sum[JMMAP_REDUCE_LANES] = {0};
    int64_t rows = 4 * page / 8 / JMMAP_REDUCE_LANES;
    CHECK_EQ(-EFAULT, jmmap_reduce(mapped, JMMAP_ELEMENT_FLOAT64, 0, JMMAP_REDUCE_SUM, rows, 8 * JMMAP_REDUCE_LANES,
                                   JMMAP_REDUCE_LANES, 8, sum));
    double first = 0;
    CHECK_EQ(0, jmmap_reduce(mapped, JMMAP_ELEMENT_FLOAT64, 0, JMMAP_REDUCE_SUM, page / 8, 8, 1, 8, &first));
    CHECK(first == (double)(page / 8));
    CHECK(munmap(mapped, (size_t)(4 * page)) == 0);
    CHECK(close(fd) == 0);
}

int main(void) {
    CHECK_EQ(0, jmmap_fault_guard_install());
    for (int element = 0; element < JMMAP_ELEMENT_COUNT; element++) {
        for (int reduction = 0; reduction < JMMAP_REDUCE_COUNT; reduction++) {
            for (int swapped = 0; swapped <= 1; swapped++) {
                check_layout(element, reduction, swapped, 0, COLUMNS);
                check_layout(element, reduction, swapped, 0, JMMAP_REDUCE_LANES);
                check_layout(element, reduction, swapped, 0, 1);
                check_layout(element, reduction, swapped, 5, 7);
            }
        }
    }
    nan_sticks();
    wrapping_sums();
    invalid_arguments();
    truncated_file();
    puts("test_reduce: ok");
    return 0;
}
