/*
 * What a supervisor checks of the inspectors and of the merged log, from
 * the merged store (issue 6):
 *
 *   oversight_inspectors()  each device key that has records: its roster
 *                           name and badge, its records in a month, those
 *                           not verified (any status but verified or
 *                           signed), and its chain: the newest seq, how
 *                           many seqs are missing on the way (records that
 *                           have not arrived, or never will) and where
 *                           the first gaps start;
 *   oversight_conflicts()   what does not add up: forks (two records of one
 *                           device with one seq), a device's clock that
 *                           went backwards (a record made before the one
 *                           before it in its chain), and two inspections
 *                           of one site with one form on one day whose
 *                           answers contradict each other (a question
 *                           both answered, differently), whoever made
 *                           them, one inspector or two; a follow-up of
 *                           the other excepted.
 *
 * Both give one JSON array (the caller's).
 *
 * Conflicts are kept as records are stored (oversight_note(), from
 * record_store_row(): the table conflicts, migration 12), so listing them
 * reads that table; a store from before it is searched whole once, the
 * first time they are asked for.
 */
#ifndef LANTIAN_OVERSIGHT_H
#define LANTIAN_OVERSIGHT_H

#include <jansson.h>
#include <sqlite3.h>

/* month ("YYYY-MM", or NULL: all time) bounds the records counted. */
int oversight_inspectors(sqlite3 *db, const char *month, json_t **out);

/* At most limit of them (0: all), forks first; *total (may be NULL) gets
 * how many there are. */
int oversight_conflicts(sqlite3 *db, int limit, json_t **out,
    long long *total);

struct record;

/* Note the conflicts a record just stored with status makes. */
int oversight_note(sqlite3 *db, const struct record *r, const char *status,
    const char *why);

#endif
