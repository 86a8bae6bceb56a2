/*
 * What the libFuzzer harnesses share (tests/fuzz/fuzz_*.c, built with
 * --enable-fuzzing and clang): a scratch data directory made once per
 * process, and an input as a NUL-terminated copy or a file.
 */
#ifndef LANTIAN_FUZZ_H
#define LANTIAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct datadir;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A data directory (with its store) for this process, made on first use. */
struct datadir *fuzz_datadir(void);
/* A scratch file path of this process (the same each call). */
const char *fuzz_scratch(const char *suffix);
/* Write data to path; 0 or -1. */
int fuzz_write(const char *path, const uint8_t *data, size_t size);
/* A NUL-terminated copy of data; free it. */
char *fuzz_str(const uint8_t *data, size_t size);

#endif
