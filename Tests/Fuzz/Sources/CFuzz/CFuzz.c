// Declarations only: LLVMFuzzerRunDriver comes from libFuzzer at link time.
#include "CFuzz.h"

#include <stdio.h>
#include <stdlib.h>

// Unoptimised (debug) links pull libFuzzer's own main object, which names this symbol. The
// targets never run through it (each calls LLVMFuzzerRunDriver with its own function), so if it
// is ever called the link went wrong: say so and stop instead of fuzzing nothing.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    fprintf(stderr, "libFuzzer's own main ran instead of the fuzz target's: the link is wrong\n");
    abort();
}
