/*
 * Fuzz target: the E/M reference CSV reader (em_reference_parse, the reader
 * behind rcm_em_reference_load). A refusal must carry a message naming the
 * file and return no rows; an accepted file must hold rows that each pass
 * the checks the reader promises (family and code shapes, level 1 to 5, a
 * share above 0 and at most 100, no code twice, no level twice in a family,
 * two levels or more per family, each family adding up to 100 within 0.5)
 * on increasing line numbers; and the E/M statistics' chi-square tail must
 * stay a probability for the shares it gives.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../lib/audit/coding_internal.h"

#define CHECK(c)                                                                                \
    do {                                                                                        \
        if (!(c)) {                                                                             \
            fprintf(stderr, "fuzz_em_reference: check failed: %s (line %d)\n", #c, __LINE__);   \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    em_ref_entry *v = NULL;
    size_t n = 0;
    int rc = em_reference_parse("ref.csv", (const char *)data, size, &v, &n, &err);
    if (rc < 0) {
        CHECK(err.msg[0]);
        CHECK(err.source && strcmp(err.source, "ref.csv") == 0);
        CHECK(err.line >= 0);
        CHECK(v == NULL && n == 0);
        return 0;
    }
    CHECK(rc == 0 && n >= 2 && n <= EM_MAX_ROWS);
    for (size_t i = 0; i < n; i++) {
        const em_ref_entry *r = &v[i];
        CHECK(r->family[0] && strlen(r->family) <= 23);
        CHECK(strlen(r->code) == 5);
        CHECK(r->level >= 1 && r->level <= 5);
        CHECK(r->share_ppm > 0 && r->share_ppm <= 1000000);
        CHECK(i == 0 || r->line > v[i - 1].line);
        int64_t sum = 0;
        int levels = 0;
        for (size_t j = 0; j < n; j++) {
            if (j != i)
                CHECK(strcmp(v[j].code, r->code) != 0);
            if (strcmp(v[j].family, r->family) != 0)
                continue;
            if (j != i)
                CHECK(v[j].level != r->level);
            sum += v[j].share_ppm;
            levels++;
        }
        CHECK(levels >= 2 && levels <= 5);
        CHECK(sum >= 995000 && sum <= 1005000);
        /* a provider all at this level, 20 visits: the tail is a probability */
        double e = 20.0 * (double)r->share_ppm / (double)sum;
        double chi2 = (20.0 - e) * (20.0 - e) / e + (20.0 - e);
        double p = rcm_em_chi2_p(chi2, levels - 1);
        CHECK(p >= 0 && p <= 1);
    }
    free(v);
    return 0;
}
