/*
 * fuzz.h - what the fuzz targets and their replayer share.
 */
#ifndef PF_FUZZ_H
#define PF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point each fuzz-NAME.c defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* PF_FUZZ_H */
