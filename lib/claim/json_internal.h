/*
 * Helpers shared by the JSON faces of the models (claim_json.c, remit_json.c,
 * ack_json.c, finding_json.c): turning model strings (8-bit X12 text) into
 * JSON strings, and a builder whose first failed allocation makes the whole
 * result NULL.
 */
#ifndef RCM_CLAIM_JSON_INTERNAL_H
#define RCM_CLAIM_JSON_INTERNAL_H

#include <jansson.h>
#include "../util/util.h"

/*
 * The model holds bytes; JSON holds Unicode. A string whose characters are
 * all U+0000-U+00FF is stored one byte per character (Latin-1), any other
 * as its UTF-8 bytes. jw_latin1_fold writes the n bytes of s as the model
 * stores them into out (n bytes at most) and returns their count, or
 * (size_t)-1 when s holds a character above U+00FF (kept as UTF-8).
 */
size_t jw_latin1_fold(const char *s, size_t n, char *out);

/* The JSON string of model string s, the inverse of jw_latin1_fold (claims JSON, findings). */
json_t *jw_text(const char *s);

/* The JSON string of s, its non-UTF-8 bytes written as '?' (835 and acknowledgment JSON). */
json_t *jw_ascii_text(const char *s);

/* A builder: the first failed allocation makes the whole result NULL. */
typedef struct jb {
    int failed;
} jb;

void jw_put(jb *b, json_t *o, const char *key, json_t *v);             /* v may be NULL: failed */
void jw_put_str(jb *b, json_t *o, const char *key, const char *s);     /* left out when "" (jw_ascii_text) */
void jw_put_char(jb *b, json_t *o, const char *key, char c);           /* left out when 0 */
void jw_put_int(jb *b, json_t *o, const char *key, int64_t v);
void jw_put_nz(jb *b, json_t *o, const char *key, int64_t v);          /* left out when 0 */
void jw_put_has(jb *b, json_t *o, const char *key, int has, int64_t v); /* left out unless has */
void jw_put_date(jb *b, json_t *o, const char *key, rcm_date d);       /* "YYYY-MM-DD"; left out when none */
void jw_put_bool(jb *b, json_t *o, const char *key, int v);
void jw_append(jb *b, json_t *a, json_t *v);                           /* v may be NULL: failed */
json_t *jw_new_obj(jb *b);
/* Returns o, or NULL (o released) when anything failed. */
json_t *jw_finish(jb *b, json_t *o);

#endif
