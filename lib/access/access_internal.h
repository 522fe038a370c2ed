/*
 * What the access modules (lib/access) share: users' rows, password hashing
 * and name rules. Not public.
 */
#ifndef RCM_ACCESS_INTERNAL_H
#define RCM_ACCESS_INTERNAL_H

#include <stdint.h>
#include "rcm/auth.h"
#include "../cycle/cycle_internal.h"

/* 1 when name is 1 to 63 letters, digits or ._-@ */
int access_name_ok(const char *name);

/* RCM_EINVAL unless the password is RCM_PASSWORD_MIN..RCM_PASSWORD_MAX bytes with no NUL. */
int access_password_ok(const char *pw, rcm_error *err);

/* Hashes pw with Argon2id at the cost named (interactive moderate sensitive minimum). */
int access_hash(const char *pw, const char *cost, char out[128], rcm_error *err);

/* 1 when cost is one of the names. */
int access_cost_ok(const char *cost);

/* Reads a user's row by name: 1 found, 0 not, < 0 error. hash may be NULL. */
typedef struct access_user {
    int64_t user_id;
    char name[64];
    unsigned roles;
    char status[10];
    int failed;
    int64_t next_try, locked_until;
    char pw_hash[128];
} access_user;
int access_user_get(rcm_store *st, const char *name, access_user *u, rcm_error *err);

/* An audit event with no cycle handle (logins, bootstrap). */
int access_audit(rcm_store *st, int64_t now, const access_user *u, const char *name_tried, const char *origin,
                 const char *action, const char *outcome, const char *detail, rcm_error *err);

/* Ends every live session of user_id (inside the caller's transaction). */
int access_end_sessions(rcm_store *st, int64_t user_id, int64_t now, rcm_error *err);

#endif
