/*
 * Shared by the bench programs that run the revenue cycle: the people acting
 * on a scratch store. Header-only (static functions) like bench.h.
 *
 * A step of the cycle runs only on a handle opened from a session
 * (rcm_cycle_open), so a bench store gets an admin (bootstrapped with the
 * "minimum" password cost: the store is thrown away and the password is a
 * constant nobody types) and the users the program acts as, each with only
 * the roles its steps need. Logins and sessions use the real clock; the
 * handle's business clock is set to the program's.
 *
 * Every function exits with a message on failure, like the programs' die().
 */
#ifndef RCM_BENCH_CYCLE_H
#define RCM_BENCH_CYCLE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rcm/rcm.h"

#define BENCH_ADMIN "bench.admin"
#define BENCH_PASSWORD "bench password, scratch stores only"

static inline void bench_cycle_die(const char *what, const rcm_error *err)
{
    fprintf(stderr, "bench: %s: %s\n", what, err->msg);
    exit(1);
}

/* Logs name in and writes the session token into token. */
static inline void bench_login(rcm_store *st, const char *name, char token[RCM_TOKEN_LEN + 1])
{
    rcm_error err = { 0 };
    if (rcm_auth_login(st, name, BENCH_PASSWORD, "bench", (int64_t)time(NULL), token, &err) < 0)
        bench_cycle_die(name, &err);
}

/* A handle for name (logged in now) with its business clock at now (seconds since 1970 UTC). */
static inline rcm_cycle *bench_cycle_login(rcm_store *st, const char *name, int64_t now)
{
    char token[RCM_TOKEN_LEN + 1];
    bench_login(st, name, token);
    rcm_cycle *cy = NULL;
    rcm_error err = { 0 };
    if (rcm_cycle_open(&cy, st, token, "bench", (int64_t)time(NULL), &err) < 0)
        bench_cycle_die(name, &err);
    rcm_cycle_set_now(cy, now);
    return cy;
}

/*
 * Makes sure the store has the bench admin (bootstrapping an empty store)
 * and the user name with roles (RCM_ROLE_* mask; several turn the
 * multi-role setting on). A user already there is left as it is.
 */
static inline void bench_user(rcm_store *st, const char *name, unsigned roles)
{
    rcm_error err = { 0 };
    int64_t wall = (int64_t)time(NULL);
    int rc = rcm_auth_bootstrap(st, BENCH_ADMIN, BENCH_PASSWORD, "minimum", wall, &err);
    if (rc < 0 && rc != RCM_EEXIST)
        bench_cycle_die("bootstrapping the admin", &err);
    rcm_cycle *admin = bench_cycle_login(st, BENCH_ADMIN, wall);
    if ((roles & (roles - 1)) && rcm_setting_set(admin, "multi-role", "on", &err) < 0)
        bench_cycle_die("multi-role", &err);
    rc = rcm_user_add(admin, name, roles, BENCH_PASSWORD, &err);
    if (rc < 0 && rc != RCM_EEXIST)
        bench_cycle_die(name, &err);
    rcm_cycle_free(admin);
}

/* bench_user, then a handle for name with its business clock at now. */
static inline rcm_cycle *bench_cycle(rcm_store *st, const char *name, unsigned roles, int64_t now)
{
    bench_user(st, name, roles);
    return bench_cycle_login(st, name, now);
}

#endif
