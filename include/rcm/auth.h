/*
 * People, roles, sessions and the settings an admin keeps.
 *
 * Everyone who acts on a store is a user with a unique name and one or more
 * roles. A user proves who they are with a password (hashed with Argon2id,
 * never stored) and gets a session token; a cycle handle is opened with that
 * token (rcm_cycle_open, include/rcm/cycle.h) and every step checks the
 * handle's roles before it reads patient data or changes anything
 * (docs/access.md has the whole permission matrix).
 *
 * The first admin is created by rcm_auth_bootstrap on a store with no users;
 * there is no default password. Every login, failed login, lock-out,
 * permission denial and change made here is an audit event.
 */
#ifndef RCM_AUTH_H
#define RCM_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "value.h"
#include "store.h"
#include "cycle.h"

/* Roles, as a mask. */
#define RCM_ROLE_CODER 1u   /* codes, corrects codes, overrides coder-routed findings with a reason */
#define RCM_ROLE_BILLER 2u  /* builds, submits, posts, works biller denials, appeals, statements */
#define RCM_ROLE_AUDITOR 4u /* reads everything, samples and scores coding; changes nothing in the cycle */
#define RCM_ROLE_ADMIN 8u   /* users, settings, exceptions; no coding or billing */
#define RCM_ROLE_ALL 15u

/*
 * "coder,biller" -> mask. RCM_EINVAL naming the unknown role, or when s is
 * empty.
 */
RCM_API int rcm_roles_parse(const char *s, unsigned *mask, rcm_error *err);
/* mask -> "coder,biller" (in the order coder biller auditor admin; "none" for 0). */
RCM_API void rcm_roles_format(unsigned mask, char *out, size_t outsz);

/* A session token: 64 lowercase hex digits (32 random bytes). */
#define RCM_TOKEN_LEN 64

/* Passwords: 12 to 1024 bytes. */
#define RCM_PASSWORD_MIN 12
#define RCM_PASSWORD_MAX 1024

/*
 * The settings, with their defaults. Keys for rcm_setting_set in brackets.
 */
typedef struct rcm_settings {
    int multi_role;                 /* [multi-role] on/off: may a user hold several roles (off) */
    int64_t writeoff_approval_cents;/* [writeoff-approval] dollars: write-offs above need a second person (100.00) */
    int session_minutes;            /* [session-minutes] a session's whole life (480) */
    int idle_minutes;               /* [idle-minutes] a session unused this long ends (30) */
    int lockout_failures;           /* [lockout-failures] failed logins in a row that lock the user (5) */
    int lockout_minutes;            /* [lockout-minutes] how long a lock-out lasts (15) */
    char password_hash[12];         /* [password-hash] Argon2id cost: interactive moderate sensitive, or
                                       minimum (for tests only) (interactive) */
    int em_min_visits;              /* [em-min-visits] a provider's visits in a family before it is compared (20) */
} rcm_settings;

/* The store's settings (defaults where none was set). Needs no session. */
RCM_API int rcm_settings_get(rcm_store *st, rcm_settings *out, rcm_error *err);

/*
 * Changes one setting (admin). The old and new values are in the audit
 * event. RCM_EINVAL naming the key or the value's problem; RCM_EDENIED for
 * multi-role off while an active user holds several roles.
 */
RCM_API int rcm_setting_set(rcm_cycle *cy, const char *key, const char *value, rcm_error *err);

/*
 * Creates the first admin of a store that has no user yet. cost: a
 * password-hash cost name (NULL: interactive), kept as the store's
 * password-hash setting. RCM_EEXIST when the store has users; RCM_EINVAL for
 * a bad name (1-63 of letters, digits, ._-@) or password.
 */
RCM_API int rcm_auth_bootstrap(rcm_store *st, const char *admin, const char *password, const char *cost,
                               int64_t now, rcm_error *err);

/* The number of users in the store (0: rcm_auth_bootstrap has not run). Needs no session. */
RCM_API int rcm_auth_user_count(rcm_store *st, int64_t *n, rcm_error *err);

/*
 * Checks name and password and opens a session: token gets RCM_TOKEN_LEN
 * hex digits and a NUL. origin: where the login comes from (for the CLI
 * "cli HOST pid N", for HTTP the address), at most 127 bytes. now: the wall
 * clock.
 * RCM_EDENIED with "wrong user name or password" (the same words whether
 * the name exists or not), "user 'x' is locked until ...", "user 'x' is
 * disabled" or "too many failed logins: try again in N s". A failure counts
 * toward the lock-out and delays the next attempt (1, 2, 4... up to 60 s).
 * Every attempt is an audit event.
 */
RCM_API int rcm_auth_login(rcm_store *st, const char *name, const char *password, const char *origin,
                           int64_t now, char token[RCM_TOKEN_LEN + 1], rcm_error *err);

/* Ends the session (RCM_ENOTFOUND when the token is not a live session). */
RCM_API int rcm_auth_logout(rcm_store *st, const char *token, int64_t now, rcm_error *err);

/*
 * Changes one's own password, proving the old one. RCM_EDENIED when the old
 * password is wrong (counts as a failed login).
 */
RCM_API int rcm_auth_change_password(rcm_store *st, const char *name, const char *old_password,
                                     const char *new_password, int64_t now, rcm_error *err);

/* A user as listed. */
typedef struct rcm_user_info {
    int64_t user_id;
    char name[64];
    unsigned roles;
    char status[10];        /* active / disabled / locked (locked_until in the future) */
    int failed;             /* failed logins in a row */
    int64_t locked_until;   /* 0: not locked */
    int64_t last_login;     /* 0: never */
    int64_t created_at;
    char created_by[64];
    int sod_exception;      /* 1: holds a live separation-of-duties exception */
} rcm_user_info;

/* ---- admin: users ---- */

/*
 * Adds a user. Several roles only when the multi-role setting is on
 * (RCM_EDENIED otherwise); the admin role with another only then too.
 * RCM_EEXIST when the name is taken.
 */
RCM_API int rcm_user_add(rcm_cycle *cy, const char *name, unsigned roles, const char *password, rcm_error *err);
/* Sets a user's roles (same rule). An admin cannot take the admin role from the last active admin. */
RCM_API int rcm_user_set_roles(rcm_cycle *cy, const char *name, unsigned roles, rcm_error *err);
/*
 * status: "active" (also ends a lock-out and clears failed logins) or
 * "disabled" (ends the user's sessions). Not for the last active admin.
 */
RCM_API int rcm_user_set_status(rcm_cycle *cy, const char *name, const char *status, rcm_error *err);
/* An admin sets another user's password (ends their sessions). */
RCM_API int rcm_user_reset_password(rcm_cycle *cy, const char *name, const char *password, rcm_error *err);
/* All users by name; *out freed with free(). Admin or auditor. */
RCM_API int rcm_user_list(rcm_cycle *cy, rcm_user_info **out, size_t *n, rcm_error *err);

/* ---- admin: separation-of-duties exceptions ---- */

typedef struct rcm_sod_exception {
    int64_t exception_id;
    char user[64];
    char reason[256];
    rcm_date expires;       /* RCM_DATE_NONE: until revoked */
    int64_t granted_at;
    char granted_by[64];
    int64_t revoked_at;     /* 0: live (unless expired) */
    int64_t uses;           /* audit events recording its use */
} rcm_sod_exception;

/*
 * Lets user submit, post and write off claims they coded themselves. reason:
 * the practice's documented justification, at least 10 characters.
 */
RCM_API int rcm_sod_grant(rcm_cycle *cy, const char *user, const char *reason, rcm_date expires,
                          int64_t *exception_id, rcm_error *err);
RCM_API int rcm_sod_revoke(rcm_cycle *cy, int64_t exception_id, rcm_error *err);
/* Every exception, live or not (admin or auditor). */
RCM_API int rcm_sod_list(rcm_cycle *cy, rcm_sod_exception **out, size_t *n, rcm_error *err);

#endif
