/*
 * Implementation-guide validation (X12 5010 TR3s): a segment dictionary and
 * one guide per transaction (loops, segment order, usage, repeats, element
 * usage, types, lengths and code values), read from line-oriented tables
 * (docs/x12-guides.md) and compiled once; validation then needs no
 * allocation per segment.
 *
 * The built-in tables (lib/x12/guides, one .tbl file each) are compiled into the library.
 * A guide file loaded at run time adds a transaction or replaces the
 * built-in guide of the same ST01 and version; a restriction file (a
 * companion guide) narrows a guide already loaded.
 *
 * Validation plugs into the readers: set rcm_x12_typed_cb.guides for
 * rcm_x12_read, or call rcm_x12_validate for the walker and guides alone.
 */
#ifndef RCM_GUIDE_H
#define RCM_GUIDE_H

#include "x12.h"

typedef struct rcm_guides rcm_guides;
typedef struct rcm_guide rcm_guide;

/*
 * The built-in dictionary and guides, compiled in (parsed at each call; a few
 * ms at most). Free *out with rcm_guides_free. A table that does not load
 * gives RCM_EFORMAT located "FILE:LINE: message" (the first such table);
 * *out then still holds every table that did load (free it too), so one
 * broken guide does not take the others away. *out is NULL only on RCM_ENOMEM.
 */
RCM_API int rcm_guides_builtin(rcm_guides **out, rcm_error *err);

/* An empty set: no dictionary, no guides (tables loaded into it bring their own dictionary lines). */
RCM_API int rcm_guides_new(rcm_guides **out, rcm_error *err);

/*
 * Adds a guide or a restriction file, or dictionary lines, to g. Errors are
 * located "FILE:LINE: message" (RCM_EFORMAT; RCM_EIO when the file cannot be
 * read); on error g is left as it was before the call.
 */
RCM_API int rcm_guides_load(rcm_guides *g, const char *path, rcm_error *err);
/* The same from memory; name is used in error messages. */
RCM_API int rcm_guides_load_mem(rcm_guides *g, const char *text, size_t len, const char *name,
                                rcm_error *err);
RCM_API void rcm_guides_free(rcm_guides *g);

/*
 * The guide for ST01 and version (ST03, else GS08); NULL when none. A version
 * without its addendum finds the addendum's guide (005010X231 finds
 * 005010X231A1). Borrowed: valid until g is freed.
 */
RCM_API const rcm_guide *rcm_guides_find(const rcm_guides *g, const char *st01, const char *version);
/* Number of guides in g, and the i-th (0-based, in load order). */
RCM_API size_t rcm_guides_count(const rcm_guides *g);
RCM_API const rcm_guide *rcm_guides_get(const rcm_guides *g, size_t i);

/* A guide's transaction set id ("837"), version ("005010X222A1"), GS01 ("HC") and title. */
RCM_API const char *rcm_guide_st01(const rcm_guide *gd);
RCM_API const char *rcm_guide_version(const rcm_guide *gd);
RCM_API const char *rcm_guide_gs01(const rcm_guide *gd);
RCM_API const char *rcm_guide_title(const rcm_guide *gd);

/*
 * Reads r to its end through the envelope walker and validates every
 * transaction set against its guide (a set with no guide gets one warning at
 * its ST). v receives every problem (walker level 1, guide level 2) and, like
 * rcm_x12_walk, the set_begin/segment/set_end/outside/interchange_end calls:
 * a segment's guide problems come before v->segment for it, and the problems
 * found when a set closes (missing required segments and loops) before
 * v->set_end. guides may be NULL (walker only). Returns as rcm_x12_walk does.
 */
RCM_API int rcm_x12_validate(rcm_x12_reader *r, const rcm_guides *guides, const rcm_x12_visitor *v,
                             rcm_x12_stats *stats, rcm_error *err);

#endif
