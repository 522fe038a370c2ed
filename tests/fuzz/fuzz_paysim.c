/*
 * Fuzz target: the payer simulator's configuration reader (docs/paysim.md),
 * a line-oriented format a practice or a test writes by hand.
 *
 * Each input is written to a file and read as a configuration: a failure must
 * carry a located message (the file and a line within the input); a success
 * gives a simulator that is freed. No 837 is adjudicated here (that writes
 * files and fsyncs them: too slow per input); the simulator's adjudication is
 * covered by the unit tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/rcm.h"
#include "rcm/paysim.h"

#define CHECK(c)                                                                          \
    do {                                                                                  \
        if (!(c)) {                                                                       \
            fprintf(stderr, "fuzz_paysim: check failed: %s (line %d)\n", #c, __LINE__);   \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

static char dir[64], conf[96], state[96];

static void setup(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof(dir), "/tmp/rcm-fuzz-paysim-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(conf, sizeof(conf), "%s/paysim.conf", dir);
    snprintf(state, sizeof(state), "%s/none.state", dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    FILE *f = fopen(conf, "wb");
    CHECK(f);
    CHECK(fwrite(data, 1, size, f) == size);
    CHECK(fclose(f) == 0);
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    rcm_paysim *p = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_paysim_new(&p, conf, state, &err);
    if (rc < 0) {
        CHECK(p == NULL);
        CHECK(err.msg[0] != '\0');
        CHECK(err.line >= 0 && err.line <= lines);
    } else {
        CHECK(p != NULL);
        rcm_paysim_free(p);
    }
    return 0;
}
