/*
 * Writes what the JNA backend types in by hand for each platform, as this build sees it, for JnaPlatformTableTest:
 * the constants and errno names exactly as jmmap_info.c hands them to Java (its natives are called here through a
 * JNIEnv that only implements NewStringUTF), and the struct layouts the JNA backend reads and writes.
 * In a cross build this runs under the emulator, so the file holds the target's values.
 *
 *   dump_platform <platform> <output file>
 *
 * Output: "PLATFORM=<platform>", then "NAME=value" lines (constants, then the "layout." lines), then
 * "number<TAB>NAME<TAB>description" lines (errno).
 */
#define _GNU_SOURCE
#include "check.h"
#include "jmmap.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef jstring (*text_native)(JNIEnv *env, jclass clazz);

static const JNINativeMethod *registered;
static int registered_count;

/* jmmap.c's version registers on the Java class; this one keeps the table. */
int jmmap_register(JNIEnv *env, jclass backend, const JNINativeMethod *methods, int count) {
    (void)env;
    (void)backend;
    registered = methods;
    registered_count = count;
    return 0;
}

/* A jstring here is a copy of the C string. */
static jstring JNICALL new_string_utf(JNIEnv *env, const char *text) {
    (void)env;
    char *copy = strdup(text);
    CHECK(copy != NULL);
    return (jstring)(void *)copy;
}

/* Writes the text a native of jmmap_info.c returns. */
static void write_text(FILE *output, JNIEnv *env, const char *name) {
    for (int i = 0; i < registered_count; i++) {
        if (strcmp(registered[i].name, name) == 0) {
            char *text = (char *)(void *)((text_native)registered[i].fnPtr)(env, NULL);
            CHECK(text != NULL);
            CHECK(fputs(text, output) >= 0);
            free(text);
            return;
        }
    }
    fprintf(stderr, "jmmap_info_onload registered no %s\n", name);
    exit(1);
}

#define LAYOUT(output, name, value) fprintf(output, "layout.%s=%zu\n", name, (size_t)(value))

int main(int argc, char **argv) {
    CHECK(argc == 3);
    struct JNINativeInterface_ functions;
    memset(&functions, 0, sizeof functions);
    functions.NewStringUTF = new_string_utf;
    JNIEnv env = &functions;
    CHECK(jmmap_info_onload(&env, NULL) == 0);

    FILE *output = fopen(argv[2], "w");
    CHECK(output != NULL);
    fprintf(output, "PLATFORM=%s\n", argv[1]);
    write_text(output, &env, "constants0");
    LAYOUT(output, "stat.size", sizeof(struct stat));
    LAYOUT(output, "stat.st_mode", offsetof(struct stat, st_mode));
    LAYOUT(output, "stat.st_size", offsetof(struct stat, st_size));
    LAYOUT(output, "S_IFMT", S_IFMT);
    LAYOUT(output, "S_IFREG", S_IFREG);
    LAYOUT(output, "flock.size", sizeof(struct flock));
    LAYOUT(output, "flock.l_type", offsetof(struct flock, l_type));
    LAYOUT(output, "flock.l_whence", offsetof(struct flock, l_whence));
    LAYOUT(output, "flock.l_start", offsetof(struct flock, l_start));
    LAYOUT(output, "flock.l_len", offsetof(struct flock, l_len));
    LAYOUT(output, "flock.l_pid", offsetof(struct flock, l_pid));
    LAYOUT(output, "SEEK_SET", SEEK_SET);
    write_text(output, &env, "errnoTable0");
    CHECK(fclose(output) == 0);
    return 0;
}
