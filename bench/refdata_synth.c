/*
 * refdata_synth DIR: writes synthetic reference data at national scale into
 * DIR, in the official layouts (refdata_synth.h says what and how much):
 *   ccipra-v313r0-f1.txt ... -f4.txt   PTP practitioner, 4 parts of 500,000 rows
 *   MUE_Practitioner_2025_Q4.csv       45,000 MUE rows
 *   icd10cm_order_2026.txt             100,000 ICD-10-CM-like codes
 * Prints one report line per file (bench.h format) and exits 0, or 1 when a
 * file cannot be written.
 */
#include "bench.h"
#include "refdata_synth.h"

static FILE *open_out(const char *dir, const char *name, char *path, size_t pathsz)
{
    snprintf(path, pathsz, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        fprintf(stderr, "refdata_synth: cannot write %s\n", path);
    return f;
}

static int done(FILE *f, const char *path, const char *what, uint64_t rows, double t0)
{
    if (fclose(f) != 0) {
        fprintf(stderr, "refdata_synth: writing %s failed\n", path);
        return 1;
    }
    printf("stage=synth file=%s kind=%s rows=%llu bytes=%llu seconds=%.2f\n", path, what,
           (unsigned long long)rows, (unsigned long long)bench_file_size(path), bench_now() - t0);
    return 0;
}

static int ptp(const char *dir)
{
    uint64_t per = SYN_PTP_ROWS / SYN_PTP_PARTS;
    for (uint64_t part = 0; part < SYN_PTP_PARTS; part++) {
        char name[64], path[4096];
        snprintf(name, sizeof(name), "ccipra-v313r0-f%llu.txt", (unsigned long long)part + 1);
        double t0 = bench_now();
        FILE *f = open_out(dir, name, path, sizeof(path));
        if (!f || syn_preamble(f))
            return 1;
        for (uint64_t i = part * per; i < (part + 1) * per; i++)
            if (syn_ptp_line(f, i))
                return 1;
        if (done(f, path, "ptp", per, t0))
            return 1;
    }
    return 0;
}

static int mue(const char *dir)
{
    char path[4096];
    double t0 = bench_now();
    FILE *f = open_out(dir, "MUE_Practitioner_2025_Q4.csv", path, sizeof(path));
    if (!f)
        return 1;
    if (syn_mue_preamble(f))
        return 1;
    for (uint32_t k = 0; k < SYN_MUE_ROWS; k++) {
        char c[6];
        syn_code(c, k);
        if (syn_mue_line(f, k, c))
            return 1;
    }
    return done(f, path, "mue", SYN_MUE_ROWS, t0);
}

static int icd(const char *dir)
{
    char path[4096];
    double t0 = bench_now();
    FILE *f = open_out(dir, "icd10cm_order_2026.txt", path, sizeof(path));
    if (!f)
        return 1;
    static const char *const words[] = { "acute", "chronic", "fracture", "diabetes", "infection", "ulcer",
                                         "disorder", "injury", "neoplasm", "syndrome", "of", "left", "right",
                                         "unspecified", "with", "without", "complication", "foot", "hand" };
    for (uint32_t i = 0; i < SYN_ICD_ROWS; i++) {
        /* category: letter A-T and 2 digits (2,000 of them), 50 codes each */
        uint32_t cat = i / 50, j = i % 50;
        char code[8];
        snprintf(code, sizeof(code), "%c%02u%u%c%c", 'A' + (int)(cat / 100), cat % 100, j / 10,
                 'A' + (int)(j % 10), 'X');
        char sd[61], ld[160];
        uint64_t h = syn_mix(i + 99);
        snprintf(ld, sizeof(ld), "Synthetic %s %s %s %s, code %u", words[h % 19], words[(h >> 8) % 19],
                 words[(h >> 16) % 19], words[(h >> 24) % 19], (unsigned)i);
        snprintf(sd, sizeof(sd), "%.60s", ld);
        fprintf(f, "%05u %-7s %d %-60s %s\r\n", (unsigned)((i + 1) % 100000), code, 1, sd, ld);
    }
    return done(f, path, "icd10cm", SYN_ICD_ROWS, t0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: refdata_synth DIR\n");
        return 2;
    }
    return ptp(argv[1]) || mue(argv[1]) || icd(argv[1]) ? 1 : 0;
}
