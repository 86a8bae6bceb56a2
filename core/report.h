/*
 * The plan's monthly figures (CLAUSES.md, issue 6) from the merged store,
 * as one JSON document that the CLI prints as text, JSON or CSV and the
 * TUI draws:
 *
 *   restaurants         task 7: restaurants inspected with the fume form
 *                       in the month / restaurants registered (>= 20%)
 *   dustfall            task 6: the month's dust-fall measurements (by the
 *                       month they measured, recorded in it or within 62
 *                       days after it), their average (<= 8 t/km²/month)
 *                       and the sites ranked, worst first
 *   fire_points         task 9: new fire points by the date found
 *                       (recorded in the month or within 62 days after
 *                       it), and the deduction_yuan they carry, per
 *                       village
 *   boilers             task 11: coal boilers <= 35 t/h still found, gas
 *                       and biomass boilers lacking networked monitoring
 *                       (the boiler form's rules coal-le35 and
 *                       monitoring-not-networked, on the month's records)
 *   production_control  task 19: from 15 November to 15 March, grade-D
 *                       enterprises and enterprises with a violation open
 *                       at the month's end
 *   findings            per task: opened by the month's records, closed
 *                       by the month's records
 *   inspectors          records per inspector (device key, roster name)
 *   reviews             the month's records by the office's review: pending,
 *                       accepted, returned, rejected (core/review.h)
 *
 * What counts: records whose status is verified (or signed, a lone
 * device's own); a record refused, forked or out of its chain does not.
 * The month is the calendar month in local time (TZ), turned into UTC
 * bounds for created.  Every query runs through an index on created or on
 * (form, created), so a month costs what the month holds.
 */
#ifndef LANTIAN_REPORT_H
#define LANTIAN_REPORT_H

#include <jansson.h>
#include <sqlite3.h>

#define REPORT_RESTAURANT_TARGET	0.20	/* task 7 */
#define REPORT_DUSTFALL_LIMIT		8.0	/* task 6, t/km²/month */

/*
 * "YYYY-MM" into the UTC bounds [from, to) of that month in local time;
 * LT_EINVAL naming the month otherwise.
 */
int report_month_bounds(const char *month, char from[32], char to[32]);

/* The figures of month ("YYYY-MM"); *out is the caller's (json_decref). */
int report_monthly(sqlite3 *db, const char *month, json_t **out);

#endif
