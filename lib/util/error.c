/* Error detail filling and formatting. */
#include <stdarg.h>
#include <stdio.h>
#include "util.h"

void rcm_error_clear(rcm_error *err)
{
    if (!err)
        return;
    const char *src = err->source;
    memset(err, 0, sizeof(*err));
    err->source = src;
}

int rcm_error_set(rcm_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

const char *rcm_strerror(int code)
{
    switch (code) {
    case RCM_OK: return "ok";
    case RCM_ENOMEM: return "out of memory";
    case RCM_EIO: return "i/o error";
    case RCM_EFORMAT: return "bad format";
    case RCM_ESYNTAX: return "syntax error";
    case RCM_EINVAL: return "invalid argument";
    case RCM_ENOTFOUND: return "not found";
    case RCM_ELIMIT: return "limit exceeded";
    case RCM_EBALANCE: return "does not balance";
    case RCM_EDENIED: return "not allowed";
    case RCM_EEXIST: return "already done";
    default: return "unknown error";
    }
}

void rcm_error_format(const rcm_error *err, char *out, size_t outsz)
{
    /* built whole, then cut to outsz: a long source must not push the message out */
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    if (err->source)
        rcm_buf_addf(&b, "%s:", err->source);
    if (err->line)
        rcm_buf_addf(&b, "%ld:", err->line);
    if (b.len)
        rcm_buf_addc(&b, ' ');
    rcm_buf_adds(&b, err->msg[0] ? err->msg : rcm_strerror(err->code));
    if (outsz) {
        size_t n = b.len < outsz - 1 ? b.len : outsz - 1;
        memcpy(out, b.ptr, n);
        out[n] = '\0';
    }
    rcm_buf_release(&b);
}
