/*
 * What an admin does: users, their roles, status and passwords; settings;
 * separation-of-duties exceptions (include/rcm/auth.h). Every change is an
 * audit event with the values before and after.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "access_internal.h"
#include "../util/banned.h"

/*
 * A change an admin asked for that a rule refused (not a permission): an
 * event with outcome denied, written outside any transaction (after the
 * rollback).
 */
static void refused(rcm_cycle *cy, const char *action, int64_t user_id, const char *why)
{
    rcm_error ignored = { 0 };
    (void)cycle_audit_full(cy, action, "denied", user_id ? "app_user" : "", user_id, 0, 0, why, &ignored);
}

/* Whether name may hold roles (one role unless multi-role is on); a refusal is logged under action. */
static int roles_allowed(rcm_cycle *cy, const char *action, const char *name, unsigned roles, rcm_error *err)
{
    if (roles == 0 || (roles & ~RCM_ROLE_ALL))
        return rcm_error_set(err, RCM_EINVAL, "a user holds at least one of coder, biller, auditor, admin");
    if ((roles & (roles - 1)) == 0)
        return 0;
    rcm_settings cfg;
    int rc = rcm_settings_get(cy->st, &cfg, err);
    if (rc < 0)
        return rc;
    if (!cfg.multi_role) {
        char r[40], why[160];
        rcm_roles_format(roles, r, sizeof(r));
        snprintf(why, sizeof(why), "user %s: roles %s refused: one role unless multi-role is on",
                 access_name_ok(name) ? name : "?", r);
        refused(cy, action, 0, why);
        return rcm_error_set(err, RCM_EDENIED,
                             "a user holds one role unless an admin turns the multi-role setting on");
    }
    return 0;
}

/* Runs one admin change: the permission, a transaction, and the event. */
static int begin_admin(rcm_cycle *cy, rcm_perm p, rcm_error *err)
{
    int rc = cycle_require(cy, p, err);
    if (rc < 0)
        return rc;
    return rcm_store_begin(cy->st, err);
}

static int end_admin(rcm_cycle *cy, int rc, rcm_error *err)
{
    if (rc < 0) {
        rcm_store_rollback(cy->st);
        return rc;
    }
    return rcm_store_commit(cy->st, err);
}

/* Binds the arguments described by fmt ('i' int64, 't' text) and runs sql. */
static int exec_bind(rcm_cycle *cy, const char *sql, const char *what, rcm_error *err, const char *fmt, ...)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 'i')
            sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
        else
            sqlite3_bind_text(s, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    }
    va_end(ap);
    rc = store_step_done(cy->st, s, what, err);
    sqlite3_finalize(s);
    return rc;
}

static int get_user(rcm_cycle *cy, const char *name, access_user *u, rcm_error *err)
{
    int rc = access_name_ok(name) ? access_user_get(cy->st, name, u, err) : 0;
    if (rc == 0)
        return rcm_error_set(err, RCM_ENOTFOUND, "no user '%s'", access_name_ok(name) ? name : "");
    return rc < 0 ? rc : 0;
}

/* The number of active admins other than user_id. */
static int other_admins(rcm_cycle *cy, int64_t user_id, int64_t *n, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*) FROM app_user WHERE user_id <> ? AND status = 'active' AND (roles & 8) <> 0",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, user_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "counting admins");
    sqlite3_finalize(s);
    return rc;
}

/* The name of a user named name ignoring case, into taken ('' when none). */
static int name_taken(rcm_cycle *cy, const char *name, char taken[64], rcm_error *err)
{
    taken[0] = '\0';
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT name FROM app_user WHERE lower(name) = lower(?) ORDER BY name <> ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        snprintf(taken, 64, "%s", (const char *)sqlite3_column_text(s, 0));
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "looking up a user name");
    sqlite3_finalize(s);
    return rc;
}

int rcm_user_add(rcm_cycle *cy, const char *name, unsigned roles, const char *password, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_USERS, err);
    if (rc < 0)
        return rc;
    if (!access_name_ok(name))
        return rcm_error_set(err, RCM_EINVAL, "user name '%s': 1 to 63 letters, digits or ._-@", name ? name : "");
    rcm_settings cfg;
    if ((rc = access_password_ok(password, err)) < 0 || (rc = roles_allowed(cy, "user-add", name, roles, err)) < 0 ||
        (rc = rcm_settings_get(cy->st, &cfg, err)) < 0)
        return rc;
    char hash[128];
    if ((rc = access_hash(password, cfg.password_hash, hash, err)) < 0)
        return rc;
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    int64_t id = 0;
    char taken[64];
    /* names differing only in case would let one person pass for another in lists and events */
    if ((rc = name_taken(cy, name, taken, err)) == 0 && strcmp(taken, name) == 0)
        rc = rcm_error_set(err, RCM_EEXIST, "user '%s' exists", name);
    else if (rc == 0 && taken[0])
        rc = rcm_error_set(err, RCM_EEXIST, "user '%s': '%s' exists (names are compared ignoring case)", name, taken);
    if (rc == 0)
        rc = cycle_next_id(cy, "app_user", "user_id", &id, err);
    if (rc == 0)
        rc = exec_bind(cy,
                       "INSERT INTO app_user (user_id, name, roles, pw_hash, status, failed, next_try, locked_until,"
                       " created_at, created_by) VALUES (?, ?, ?, ?, 'active', 0, 0, 0, ?, ?)",
                       "adding a user", err, "itititt", id, name, (int64_t)roles, hash, cy->now, cy->user);
    char r[40], detail[128];
    rcm_roles_format(roles, r, sizeof(r));
    snprintf(detail, sizeof(detail), "user %s added; roles %s", name, r);
    if (rc == 0)
        rc = cycle_audit(cy, "user-add", "app_user", id, detail, err);
    return end_admin(cy, rc, err);
}

int rcm_user_set_roles(rcm_cycle *cy, const char *name, unsigned roles, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_USERS, err);
    if (rc < 0 || (rc = roles_allowed(cy, "user-roles", name, roles, err)) < 0 ||
        (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    access_user u = { 0 };
    int64_t admins = 0;
    int last = 0;
    if ((rc = get_user(cy, name, &u, err)) == 0 && (u.roles & RCM_ROLE_ADMIN) && !(roles & RCM_ROLE_ADMIN) &&
        (rc = other_admins(cy, u.user_id, &admins, err)) == 0 && admins == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "'%s' is the last active admin", name);
        last = 1;
    }
    if (rc == 0)
        rc = exec_bind(cy, "UPDATE app_user SET roles = ? WHERE user_id = ?", "setting roles", err, "ii",
                       (int64_t)roles, u.user_id);
    char before[40], after[40], detail[128];
    rcm_roles_format(u.roles, before, sizeof(before));
    rcm_roles_format(roles, after, sizeof(after));
    snprintf(detail, sizeof(detail), "roles %s -> %s", before, after);
    if (rc == 0)
        rc = cycle_audit(cy, "user-roles", "app_user", u.user_id, detail, err);
    rc = end_admin(cy, rc, err);
    if (last) {
        snprintf(detail, sizeof(detail), "roles %s -> %s refused: the last active admin", before, after);
        refused(cy, "user-roles", u.user_id, detail);
    }
    return rc;
}

int rcm_user_set_status(rcm_cycle *cy, const char *name, const char *status, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_USERS, err);
    if (rc < 0)
        return rc;
    if (!status || (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0))
        return rcm_error_set(err, RCM_EINVAL, "status '%s': active or disabled", status ? status : "");
    int64_t wall = cy->wall; /* lock-outs and sessions run on the real clock, not --today */
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    access_user u = { 0 };
    int64_t admins = 0;
    int last = 0;
    if ((rc = get_user(cy, name, &u, err)) == 0 && strcmp(status, "disabled") == 0 && (u.roles & RCM_ROLE_ADMIN) &&
        (rc = other_admins(cy, u.user_id, &admins, err)) == 0 && admins == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "'%s' is the last active admin", name);
        last = 1;
    }
    if (rc == 0)
        rc = exec_bind(cy, "UPDATE app_user SET status = ?, failed = 0, next_try = 0, locked_until = 0 WHERE user_id = ?",
                       "setting a user's status", err, "ti", status, u.user_id);
    if (rc == 0 && strcmp(status, "disabled") == 0)
        rc = access_end_sessions(cy->st, u.user_id, wall, err);
    char detail[128];
    snprintf(detail, sizeof(detail), "status %s%s -> %s%s", u.status, u.locked_until > wall ? " (locked)" : "",
             status, strcmp(status, "disabled") == 0 ? "; sessions ended" : "");
    if (rc == 0)
        rc = cycle_audit(cy, "user-status", "app_user", u.user_id, detail, err);
    rc = end_admin(cy, rc, err);
    if (last) {
        snprintf(detail, sizeof(detail), "status %s -> disabled refused: the last active admin", u.status);
        refused(cy, "user-status", u.user_id, detail);
    }
    return rc;
}

int rcm_user_reset_password(rcm_cycle *cy, const char *name, const char *password, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_USERS, err);
    rcm_settings cfg;
    if (rc < 0 || (rc = access_password_ok(password, err)) < 0 || (rc = rcm_settings_get(cy->st, &cfg, err)) < 0)
        return rc;
    char hash[128];
    int64_t wall = cy->wall; /* lock-outs and sessions run on the real clock, not --today */
    if ((rc = access_hash(password, cfg.password_hash, hash, err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    access_user u = { 0 };
    if ((rc = get_user(cy, name, &u, err)) == 0)
        rc = exec_bind(cy, "UPDATE app_user SET pw_hash = ?, failed = 0, next_try = 0 WHERE user_id = ?",
                       "setting a password", err, "ti", hash, u.user_id);
    if (rc == 0)
        rc = access_end_sessions(cy->st, u.user_id, wall, err);
    if (rc == 0)
        rc = cycle_audit(cy, "user-password", "app_user", u.user_id, "password reset by an admin; sessions ended", err);
    return end_admin(cy, rc, err);
}

int rcm_user_list(rcm_cycle *cy, rcm_user_info **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_USERS_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT u.user_id, u.name, u.roles, u.status, u.failed, u.locked_until,"
                            " COALESCE(u.last_login, 0), u.created_at, u.created_by,"
                            " EXISTS (SELECT 1 FROM sod_exception x WHERE x.user_id = u.user_id AND x.revoked_at IS NULL"
                            "  AND (x.expires IS NULL OR x.expires >= ?))"
                            " FROM app_user u ORDER BY u.name",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, cy->today);
    int64_t wall = cy->wall; /* lock-outs and sessions run on the real clock, not --today */
    rcm_user_info *v = NULL;
    size_t cap = 0, k = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_user_info *nv = cycle_grow(v, &cap, k, sizeof(*v), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_user_info *u = &v[k++];
        memset(u, 0, sizeof(*u));
        u->user_id = sqlite3_column_int64(s, 0);
        snprintf(u->name, sizeof(u->name), "%s", (const char *)sqlite3_column_text(s, 1));
        u->roles = (unsigned)sqlite3_column_int64(s, 2);
        snprintf(u->status, sizeof(u->status), "%s", (const char *)sqlite3_column_text(s, 3));
        u->failed = sqlite3_column_int(s, 4);
        u->locked_until = sqlite3_column_int64(s, 5);
        if (u->locked_until > wall && strcmp(u->status, "active") == 0)
            snprintf(u->status, sizeof(u->status), "locked");
        else if (u->locked_until <= wall)
            u->locked_until = 0;
        u->last_login = sqlite3_column_int64(s, 6);
        u->created_at = sqlite3_column_int64(s, 7);
        snprintf(u->created_by, sizeof(u->created_by), "%s", (const char *)sqlite3_column_text(s, 8));
        u->sod_exception = sqlite3_column_int(s, 9);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing users");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

/* ---- settings ---- */

static int parse_setting(const char *key, const char *value, char *stored, size_t n, rcm_error *err)
{
    char *end = NULL;
    if (!value)
        value = "";
    if (strcmp(key, "multi-role") == 0) {
        if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
            return rcm_error_set(err, RCM_EINVAL, "multi-role: on or off, not '%s'", value);
        snprintf(stored, n, "%s", value);
    } else if (strcmp(key, "password-hash") == 0) {
        if (!access_cost_ok(value))
            return rcm_error_set(err, RCM_EINVAL, "password-hash: interactive, moderate, sensitive or minimum, not '%s'",
                                 value);
        snprintf(stored, n, "%s", value);
    } else if (strcmp(key, "writeoff-approval") == 0) {
        int64_t m = 0;
        const char *why = NULL;
        if (rcm_cents_parse(&m, rcm_str_c(value), &why) != 0 || m < 0)
            return rcm_error_set(err, RCM_EINVAL, "writeoff-approval: an amount in dollars such as 250.00, not '%s'",
                                 value);
        snprintf(stored, n, "%lld", (long long)m);
    } else if (strcmp(key, "session-minutes") == 0 || strcmp(key, "idle-minutes") == 0 ||
               strcmp(key, "lockout-failures") == 0 || strcmp(key, "lockout-minutes") == 0 ||
               strcmp(key, "em-min-visits") == 0) {
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || !end || end == value || *end || v < 1 || v > 1000000)
            return rcm_error_set(err, RCM_EINVAL, "%s: a whole number from 1 to 1000000, not '%s'", key, value);
        snprintf(stored, n, "%ld", v);
    } else {
        return rcm_error_set(err, RCM_EINVAL,
                             "no setting '%s': multi-role, writeoff-approval, session-minutes, idle-minutes, "
                             "lockout-failures, lockout-minutes, password-hash, em-min-visits",
                             key ? key : "");
    }
    return 0;
}

/* The users holding several roles, for turning multi-role off (0 when none). */
static int multi_role_users(rcm_cycle *cy, int64_t *n, char *first, size_t firstsz, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*), MIN(name) FROM app_user WHERE status = 'active' AND (roles & (roles - 1)) <> 0",
                           err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *n = sqlite3_column_int64(s, 0);
        const unsigned char *t = sqlite3_column_text(s, 1);
        snprintf(first, firstsz, "%s", t ? (const char *)t : "");
    } else {
        rc = store_sqlerr(cy->st, err, "counting users with several roles");
    }
    sqlite3_finalize(s);
    return rc;
}

/* A stored value as the event shows it: writeoff-approval in dollars. */
static void setting_shown(const char *key, const char *v, char *out, size_t n)
{
    char *end = NULL;
    long long c = strtoll(v, &end, 10);
    if (strcmp(key, "writeoff-approval") == 0 && end && end != v && !*end)
        snprintf(out, n, "%lld.%02lld", c / 100, c % 100);
    else
        snprintf(out, n, "%s", v);
}

int rcm_setting_set(rcm_cycle *cy, const char *key, const char *value, rcm_error *err)
{
    char stored[64];
    int rc = cycle_require(cy, RCM_PERM_SETTINGS, err);
    if (rc < 0 || (rc = parse_setting(key ? key : "", value, stored, sizeof(stored), err)) < 0)
        return rc;
    if (strcmp(key, "multi-role") == 0 && strcmp(stored, "off") == 0) {
        /* a user may hold several roles only while the setting allows it */
        int64_t n = 0;
        char first[64] = "";
        if ((rc = multi_role_users(cy, &n, first, sizeof(first), err)) < 0)
            return rc;
        if (n > 0) {
            char why[160];
            snprintf(why, sizeof(why), "setting multi-role: on -> off refused: %lld active user%s hold%s several roles",
                     (long long)n, n == 1 ? "" : "s", n == 1 ? "s" : "");
            refused(cy, "setting", 0, why);
        }
        if (n == 1)
            return rcm_error_set(err, RCM_EDENIED, "multi-role off: user '%s' holds several roles: give them one first",
                                 first);
        if (n > 1)
            return rcm_error_set(err, RCM_EDENIED,
                                 "multi-role off: %lld users ('%s' and others) hold several roles: give each one role "
                                 "first",
                                 (long long)n, first);
    }
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    char before[64] = "(default)";
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, "SELECT value FROM setting WHERE key = ?", err)) == 0) {
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
            snprintf(before, sizeof(before), "%s", (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    if (rc == 0)
        rc = exec_bind(cy,
                       "INSERT INTO setting (key, value, changed_at, changed_by) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at,"
                       " changed_by = excluded.changed_by",
                       "changing a setting", err, "ttit", key, stored, cy->now, cy->user);
    char detail[200], b[64], a[64];
    setting_shown(key, before, b, sizeof(b));
    setting_shown(key, stored, a, sizeof(a));
    snprintf(detail, sizeof(detail), "setting %s: %s -> %s", key, b, a);
    if (rc == 0)
        rc = cycle_audit(cy, "setting", "setting", 0, detail, err);
    return end_admin(cy, rc, err);
}

/* ---- separation-of-duties exceptions ---- */

int rcm_sod_grant(rcm_cycle *cy, const char *user, const char *reason, rcm_date expires, int64_t *exception_id,
                  rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_SOD_GRANT, err);
    if (rc < 0)
        return rc;
    if (!reason || strlen(reason) < 10 || strlen(reason) > 255)
        return rcm_error_set(err, RCM_EINVAL, "an exception needs the practice's reason, 10 to 255 characters");
    if (expires != RCM_DATE_NONE && expires < cy->today)
        return rcm_error_set(err, RCM_EINVAL, "the exception would have expired already");
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    access_user u = { 0 };
    int64_t id = 0;
    if ((rc = get_user(cy, user, &u, err)) == 0)
        rc = cycle_next_id(cy, "sod_exception", "exception_id", &id, err);
    if (rc == 0) {
        sqlite3_stmt *s = NULL;
        rc = store_prepare(cy->st, &s,
                           "INSERT INTO sod_exception (exception_id, user_id, reason, expires, granted_at, granted_by)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           err);
        if (rc == 0) {
            sqlite3_bind_int64(s, 1, id);
            sqlite3_bind_int64(s, 2, u.user_id);
            sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
            store_bind_date(s, 4, expires);
            sqlite3_bind_int64(s, 5, cy->now);
            sqlite3_bind_text(s, 6, cy->user, -1, SQLITE_STATIC);
            rc = store_step_done(cy->st, s, "recording an exception", err);
            sqlite3_finalize(s);
        }
    }
    char detail[360], exp[16] = "none";
    if (expires != RCM_DATE_NONE)
        rcm_date_fmt(exp, expires, 1);
    snprintf(detail, sizeof(detail), "exception %lld for %s; expires %s; reason: %s", (long long)id,
             user ? user : "", exp, reason);
    if (rc == 0)
        rc = cycle_audit(cy, "sod-grant", "sod_exception", id, detail, err);
    if (rc == 0 && exception_id)
        *exception_id = id;
    return end_admin(cy, rc, err);
}

int rcm_sod_revoke(rcm_cycle *cy, int64_t exception_id, rcm_error *err)
{
    int rc = begin_admin(cy, RCM_PERM_SOD_GRANT, err);
    if (rc < 0)
        return rc;
    char who[64] = "";
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT u.name FROM sod_exception x JOIN app_user u USING (user_id)"
                            " WHERE x.exception_id = ? AND x.revoked_at IS NULL",
                            err)) == 0) {
        sqlite3_bind_int64(s, 1, exception_id);
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW)
            snprintf(who, sizeof(who), "%s", (const char *)sqlite3_column_text(s, 0));
        else if (step == SQLITE_DONE)
            rc = rcm_error_set(err, RCM_ENOTFOUND, "no live exception %lld", (long long)exception_id);
        else
            rc = store_sqlerr(cy->st, err, "reading an exception");
        sqlite3_finalize(s);
    }
    if (rc == 0)
        rc = exec_bind(cy, "UPDATE sod_exception SET revoked_at = ?, revoked_by = ? WHERE exception_id = ?",
                       "revoking an exception", err, "iti", cy->now, cy->user, exception_id);
    char detail[128];
    snprintf(detail, sizeof(detail), "exception %lld for %s: live -> revoked", (long long)exception_id, who);
    if (rc == 0)
        rc = cycle_audit(cy, "sod-revoke", "sod_exception", exception_id, detail, err);
    return end_admin(cy, rc, err);
}

int rcm_sod_list(rcm_cycle *cy, rcm_sod_exception **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_USERS_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT x.exception_id, u.name, x.reason, x.expires, x.granted_at, x.granted_by,"
                            " COALESCE(x.revoked_at, 0),"
                            " (SELECT COUNT(*) FROM audit_log a WHERE a.user_name = u.name AND a.action = 'sod-exception'"
                            "  AND a.user_id = x.user_id AND a.detail LIKE 'exception ' || x.exception_id || ' used:%')"
                            " FROM sod_exception x JOIN app_user u USING (user_id) ORDER BY x.exception_id",
                            err)) < 0)
        return rc;
    rcm_sod_exception *v = NULL;
    size_t cap = 0, k = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_sod_exception *nv = cycle_grow(v, &cap, k, sizeof(*v), 8);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_sod_exception *x = &v[k++];
        memset(x, 0, sizeof(*x));
        x->exception_id = sqlite3_column_int64(s, 0);
        snprintf(x->user, sizeof(x->user), "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(x->reason, sizeof(x->reason), "%s", (const char *)sqlite3_column_text(s, 2));
        x->expires = sqlite3_column_type(s, 3) == SQLITE_NULL ? RCM_DATE_NONE : (rcm_date)sqlite3_column_int64(s, 3);
        x->granted_at = sqlite3_column_int64(s, 4);
        snprintf(x->granted_by, sizeof(x->granted_by), "%s", (const char *)sqlite3_column_text(s, 5));
        x->revoked_at = sqlite3_column_int64(s, 6);
        x->uses = sqlite3_column_int64(s, 7);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing exceptions");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}
