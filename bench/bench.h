/*
 * Shared by the bench programs: the clock, medians, peak RSS and the one
 * report line that bench/run.sh reads. Header-only (static functions):
 * every bench program is built from one .c file.
 *
 * A report line is "key=value" pairs separated by spaces, for example
 *   stage=tokenize file=x.835 bytes=10000512 runs=5 median_s=0.0061 best_s=0.0060
 *   median_mbs=1639.4 best_mbs=1666.7 cpu_mbs=1650.2 rss_mb=2.4 segments=412345 ...
 * MB is 10^6 bytes. Times are wall clock (CLOCK_MONOTONIC); cpu_mbs uses the
 * median CPU time of the runs instead (CLOCK_PROCESS_CPUTIME_ID): on a quiet
 * machine both agree, on a shared one cpu_mbs shows what the code does when
 * it gets the core. rss_mb is the process's peak resident set in MiB
 * (getrusage ru_maxrss), taken after every run, so it covers all of them.
 */
#ifndef RCM_BENCH_H
#define RCM_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define BENCH_MAX_RUNS 100

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this process (all threads), in seconds. */
static inline double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set of this process so far, in MiB. */
static inline double bench_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;   /* Linux: kilobytes */
}

static inline uint64_t bench_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v and returns its median (the mean of the middle two for an even n). */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The runs count from -n: 1 to BENCH_MAX_RUNS, or -1 when it is not one. */
static inline int bench_runs(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 1 || v > BENCH_MAX_RUNS ? -1 : (int)v;
}

/* Wall and CPU seconds of each run. */
typedef struct bench_times {
    double wall[BENCH_MAX_RUNS], cpu[BENCH_MAX_RUNS];
    double wall0, cpu0;
} bench_times;

static inline void bench_start(bench_times *t)
{
    t->wall0 = bench_now();
    t->cpu0 = bench_cpu_now();
}

static inline void bench_stop(bench_times *t, int run)
{
    t->wall[run] = bench_now() - t->wall0;
    t->cpu[run] = bench_cpu_now() - t->cpu0;
}

/*
 * Prints the common part of a report line for bytes processed per run and
 * the runs' times (sorted here). The caller appends its own counts and the
 * newline.
 */
static inline void bench_report(const char *stage, const char *file, uint64_t bytes, bench_times *t,
                                int runs)
{
    const char *base = strrchr(file, '/');
    double med = bench_median(t->wall, runs), best = t->wall[0], cpu = bench_median(t->cpu, runs);
    double mb = (double)bytes / 1e6;
    printf("stage=%s file=%s bytes=%llu runs=%d median_s=%.6f best_s=%.6f median_mbs=%.1f "
           "best_mbs=%.1f cpu_mbs=%.1f rss_mb=%.1f",
           stage, base ? base + 1 : file, (unsigned long long)bytes, runs, med, best,
           med > 0 ? mb / med : 0.0, best > 0 ? mb / best : 0.0, cpu > 0 ? mb / cpu : 0.0,
           bench_rss_mb());
}

#endif
