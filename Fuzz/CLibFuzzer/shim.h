// The libFuzzer entry point a program with its own main() calls (llvm/compiler-rt
// lib/fuzzer/FuzzerInterface.h). The runtime itself is linked by -sanitize=fuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
