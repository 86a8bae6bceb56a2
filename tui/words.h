/*
 * The codes the store uses (kinds of site, record statuses, finding
 * severities) in words for a person, in the current language, with the
 * part of the theme they are shown in.
 */
#ifndef LANTIAN_WORDS_H
#define LANTIAN_WORDS_H

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

#endif
