/*
 * Answers as a person reads them: choice labels in the current language
 * rather than their values, yes/no translated, photos by their file name.
 * Shared by the question flow, the review and the record view, and the
 * report of an evidence bundle.
 */
#ifndef LANTIAN_ANSWER_H
#define LANTIAN_ANSWER_H

#include <jansson.h>

/* The label of a question (object from the form) in lang, else its id. */
const char *answer_label(const json_t *q, const char *lang);
/* The label of one choice value of q, or the value itself. */
const char *answer_choice(const json_t *q, const char *value,
    const char *lang);
/*
 * The answer v to question q (NULL q: shown raw) as text; attachments is
 * the record's or draft's list (photo names), or NULL.  NULL v is "".
 * Caller frees.
 */
char *answer_text(const json_t *q, const json_t *v,
    const json_t *attachments, const char *lang);
/* Yes and no in lang ("zh": 是, 否; else Yes, No). */
const char *answer_yes(const char *lang);
const char *answer_no(const char *lang);
/* A number as typed back into a field: no trailing zeros. */
char *answer_number(const json_t *v);

#endif
