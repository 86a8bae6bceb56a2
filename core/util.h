/*
 * Small helpers shared by every layer: allocation that never returns NULL,
 * hex, files written safely, directories, time stamps.
 *
 * Ownership: a pointer returned through an out parameter or by an x*()
 * allocator belongs to the caller, who frees it with free().
 */
#ifndef LANTIAN_UTIL_H
#define LANTIAN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Called once before a fatal exit (the TUI restores the terminal here). */
void util_set_fatal_hook(void (*hook)(void));
/* Print "lantian: <message>" and exit(1) after the fatal hook. */
void util_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* Standard padded base64 of len bytes; the caller frees it. */
char *util_base64(const unsigned char *bin, size_t len);
/* Decode base64 that must hold exactly size bytes; 0 or LT_EINVAL. */
int util_unbase64(unsigned char *bin, size_t size, const char *b64,
    size_t len);

/* Lowercase hex of len bytes into out (2*len+1 bytes). */
void util_hex(char *out, const unsigned char *in, size_t len);
/* Parse exactly 2*len lowercase or uppercase hex digits; 0 or LT_EINVAL. */
int util_unhex(unsigned char *out, size_t len, const char *hex);
/* Is s exactly n lowercase hex digits? */
int util_is_hex(const char *s, size_t n);

/* SHA-256 of buf as 64 lowercase hex digits in out[65]. */
void util_sha256_hex(char out[65], const void *buf, size_t len);
/* SHA-256 of a stream: new, update..., final (which frees), or free. */
struct util_hash;
struct util_hash *util_sha256_new(void);
void util_sha256_update(struct util_hash *h, const void *buf, size_t len);
void util_sha256_final(struct util_hash *h, char out[65]);
void util_sha256_free(struct util_hash *h);

/*
 * Read a whole file (at most max bytes, else LT_ETOOBIG) into a fresh
 * NUL-terminated buffer; *len excludes the NUL.
 */
int util_read_file(const char *path, size_t max, char **out, size_t *len);
/* Read all of an open descriptor, as util_read_file. */
int util_read_fd(int fd, const char *what, size_t max, char **out, size_t *len);

/*
 * Write a file so that a crash leaves either the old or the new content:
 * temp file in the same directory, fsync, rename, fsync the directory.
 */
int util_write_file(const char *path, const void *buf, size_t len, mode_t mode);

/* Create a directory and its parents; an existing directory is fine. */
int util_mkdir_p(const char *path, mode_t mode);
/* Does path exist (any type)? */
int util_exists(const char *path);

/* t as UTC RFC 3339 with seconds: "2026-11-28T23:27:21Z" (buf >= 21). */
void util_rfc3339(char *buf, size_t size, time_t t);
/*
 * A time as people of this machine read it: local time, its zone named
 * and its offset, "2026-12-08 09:30 CST (UTC+08:00)" (at most 48 bytes).
 */
void util_local_time(char *buf, size_t size, time_t t);
/* The same of an RFC 3339 UTC time; LT_EINVAL (and utc as it is) when it
 * is none. */
int util_local_rfc3339(char *buf, size_t size, const char *utc);
/*
 * Parse what util_rfc3339 writes, in exactly that form (a real date and
 * time, every field two digits, no leap second); 0 or LT_EINVAL.
 */
int util_parse_rfc3339(const char *s, time_t *out);
/* Is s a valid calendar date "YYYY-MM-DD"? */
int util_is_date(const char *s);
/* The local calendar date days after t, as "YYYY-MM-DD" (buf >= 11). */
void util_date_after(char *buf, size_t size, time_t t, int days);

/* The current time; LANTIAN_NOW (RFC 3339) overrides it for tests. */
time_t util_now(void);

/*
 * Copy s for the terminal: control characters (C0, DEL, C1), bidi
 * controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and
 * each byte that is not valid UTF-8 become '?', newline and tab a space;
 * a character that shows as nothing (util_is_invisible) is written as
 * <U+XXXX>, so that a name with a zero-width space in it shows it.
 */
char *util_sanitize(const char *s);
/*
 * Is s (NULL is fine) valid UTF-8?  LT_EINVAL "<what>: not valid UTF-8
 * text ..." when not: text a person gives is refused whole, never
 * signed with a part dropped (jansson drops a string it cannot take).
 */
int util_text_check(const char *what, const char *s);
/* Is the code point a bidi control (it reorders what follows)? */
int util_is_bidi(unsigned long c);
/* Is c a character that shows as nothing (zero-width, fillers, tags)? */
int util_is_invisible(unsigned long c);
/*
 * Is this program the one of the build tree (tests, benchmarks), not an
 * installed one?  Only then does it look in the source and build trees
 * for its forms and translations.
 */
int util_uninstalled(void);
/* strcmp of two char * (qsort). */
int util_strcmp_p(const void *a, const void *b);
/* s as HTML text: &, <, >, " escaped, control characters dropped. */
void util_html_text(FILE *f, const char *s);



/* Initialise the libraries core uses; call once before any thread starts. */
int util_init(void);
/*
 * Call remove on each entry of dir named prefix<pid> whose process is gone
 * (what a killed run left half-written), this process's own included.
 */
void util_remove_orphans(const char *dir, const char *prefix,
    void (*remove)(const char *));

#endif
