/*
 * The command line: one cmd_<name>() per command, each given its own
 * arguments (argv[0] is the command's name).  They return the exit status:
 * 0 done, 1 failed, 2 usage.
 */
#ifndef LANTIAN_CLI_H
#define LANTIAN_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/datadir.h"
#include "core/key.h"

#define EXIT_USAGE	2

struct cli {
	const char	*data_opt;	/* --data DIR, or NULL */
	char		*datadir;	/* the data directory in use */
};

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_forms(struct cli *cli, int argc, char **argv);
int cmd_inspect(struct cli *cli, int argc, char **argv);
int cmd_records(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_sites(struct cli *cli, int argc, char **argv);
int cmd_findings(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_office(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_draw(struct cli *cli, int argc, char **argv);
int cmd_publish(struct cli *cli, int argc, char **argv);
int cmd_inspectors(struct cli *cli, int argc, char **argv);
int cmd_conflicts(struct cli *cli, int argc, char **argv);
int cmd_roster(struct cli *cli, int argc, char **argv);
int cmd_remote(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_review(struct cli *cli, int argc, char **argv);
int cmd_amend(struct cli *cli, int argc, char **argv);
int cmd_attachments(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_verify_bundle(struct cli *cli, int argc, char **argv);
/* The TUI (no command). */
int cmd_tui(struct cli *cli, int argc, char **argv);

/* Print "lantian: <message of the last error>" and return 1. */
int cli_fail(void);
/* Warn on stderr when a record was signed on a clock set back. */
struct record;
void cli_clock_warn(const struct record *r);
/* Print "lantian: <message>" and return 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error and the command's synopsis; return 2. */
int cli_usage(const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Open the existing data directory (error printed on failure). */
int cli_open(struct cli *cli, struct datadir **out);

/*
 * Read a passphrase: from file ("-" is standard input; the first line),
 * else from the terminal with echo off (twice when confirm).  The result
 * is in sodium_malloc'd memory; free it with cli_passphrase_free().
 */
int cli_passphrase(const char *file, int confirm, char **out, size_t *len);
void cli_passphrase_free(char *pass);

/*
 * Open the data directory of the office's machine and unlock the office
 * key (passphrase as cli_passphrase()); 1 after saying why not.
 */
int cli_office(struct cli *cli, const char *passfile, struct datadir **dd,
    struct key_secret **sk);
/* Unlock the device key with a passphrase read as cli_passphrase(). */
int cli_unlock(struct datadir *dd, const char *passfile,
    struct key_secret **out);

/* Read a JSON file ("-" is standard input); error set on failure. */
int cli_read_json(const char *path, json_t **out);

/* Print s with control characters replaced (text from records). */
void cli_put(FILE *f, const char *s);
/* "zh" when the locale is Chinese, else "en". */
const char *cli_lang(void);

/*
 * Stream a JSON array on stdout, an item at a time, so a long list never
 * sits in memory: cli_json_item() for each (n counts them; it takes
 * the item's reference), cli_json_end() after the last.
 */
void cli_json_item(int *n, json_t *item);
void cli_json_end(int n);

/*
 * "show ID [--raw|--minisig]": parse the options of a show command
 * (*mode 'r', 'm' or 0); the id is argv[optind].  0, or the usage status.
 */
int cli_show_args(int argc, char **argv, const char *synopsis,
    const char *what, int *mode);
/* Print the exact signed bytes ('r') or the signature file ('m'). */
int cli_show_signed(int mode, const char *body, size_t len, const char *sig,
    const char *what);

/* A size for a person: 512 B, 3.4 KiB, 2.1 MiB. */
void cli_size(char *buf, size_t size, long long bytes);
/* "lantian: attached NAME (JPEG image, 2.1 MiB)" on stderr for each
 * attachment of a record's list. */
void cli_attached(const json_t *list);

/* Print a json value on stdout, indented, with a newline. */
void cli_print_json(const json_t *v);

/* Is this data directory's device key on its roster? */
int cli_device_enrolled(struct datadir *dd);
/*
 * On stderr: this machine's device key is not on the roster, so what
 * (e.g. "an export made here says ...") follows; and the exact command
 * that enrols it (on the office's machine), or whom to ask.
 */
void cli_enrol_hint(struct datadir *dd, const char *what);

#endif
