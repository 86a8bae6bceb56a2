/*
 * "一公开" (task 20): a month's inspection results for the public.  For each
 * verified inspection record of the month that the office accepted (a
 * record pending review, returned or rejected is not published, only
 * counted: not_accepted): the date, the site (its id,
 * name, village and kind), the checklist, and each finding with its task,
 * severity, deadline and state now (open, overdue, or closed on a date by
 * a re-inspection).  Nothing else of the record: no inspector name or
 * badge, no representative's name, role or contact, no answers, notes or
 * photos.  A household is a private person: its site is published as
 * "a household in <village>", without its name or id.
 *
 *   {"month":"2030-01","published":"<RFC 3339>","selection":"accepted",
 *    "count":N,"not_accepted":M,
 *    "results":[{"date":"2030-01-04","site":"R2","name":"饭店二",
 *    "village":"下冶村","kind":"restaurant","form":"饭店油烟检查",
 *    "findings":[{"task":7,"severity":"violation","text":"...",
 *    "deadline":"2030-01-07","state":"closed","closed":"2030-01-20"}]}],
 *    "draws":[{"kind":"restaurant","draw":1,"in_force":true,
 *    "drawn":"2029-12-20","seed":"...","reason":null,
 *    "sites":[{"site":"R2","name":"饭店二","village":"下冶村"}]}]}
 *
 * draws: the month's 双随机 draws (core/assign.h), each kind's first draw
 * first and a redraw with its reason; the sites drawn, a household by its
 * village only, no inspector.  The page (index.html) is laid out for A4
 * and gives times in the machine's local time zone, named.
 */
#ifndef LANTIAN_PUBLISH_H
#define LANTIAN_PUBLISH_H

#include <jansson.h>
#include <sqlite3.h>

/* The results of month ("YYYY-MM"); *out is the caller's. */
int publish_month(sqlite3 *db, const char *month, json_t **out);

/*
 * Write them into dir (made if missing): results-<month>.json, .csv
 * (one line per finding, or per record without one) and index.html (a
 * page to print or put on the town's site: no script, nothing fetched).
 */
int publish_write(const char *dir, const json_t *results);

#endif
