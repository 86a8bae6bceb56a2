/*
 * The codes the store uses (kinds of site, record statuses, finding
 * severities) in words for a person, in the current language, with the
 * part of the theme they are shown in.
 */
#ifndef LANTIAN_WORDS_H
#define LANTIAN_WORDS_H

#include <stddef.h>

#include "tui/draw.h"

/* "household" -> 居民户 / Household; an unknown kind as it is. */
const char *words_kind(const char *kind);
/* An industry code of the site register in words; unknown: as it is. */
const char *words_industry(const char *industry);
/* A record's status (core/trust.h); part (may be NULL) gets its look. */
const char *words_status(const char *status, enum draw_part *part);
/* A finding's severity: violation, warning, note. */
const char *words_severity(const char *severity, enum draw_part *part);
/* A record's review state, or a step of its exchange with the office. */
const char *words_review(const char *state, enum draw_part *part);
/* A stage of a sync: export, fetch, import, push. */
const char *words_stage(const char *stage);
/* The type of an attachment: image/jpeg -> JPEG image; else the type. */
const char *words_media(const char *mime);
/*
 * Where a sync is, in a few words (size bytes into buf): "push 8/8
 * objects, 2.1 KiB"; "fetch: counting…" while no total is known yet
 * (the remote, or the stick, is still counting what to send), never a
 * count or a size that is not one yet; export and import: the stage.
 */
void words_progress(char *buf, size_t size, const char *stage,
    size_t objects, size_t total, size_t bytes);

#endif
