/* Shared by the fuzz targets: where templates/, schemas/ and fonts/ are
 * (the Makefile passes the source tree), and the libFuzzer entry point. */
#ifndef KH_FUZZ_COMMON_H
#define KH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef KH_FUZZ_DATA
#define KH_FUZZ_DATA "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
