#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "i18n.h"
#include "core/attach.h"
#include "core/error.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/util.h"

#define CLI_PASS_MAX	1024

int
cli_fail(void)
{
	const char	*m = error_msg(), *nl;

	/* A message naming several problems has one a line: each said as
	 * lantian: <what>: <why>. */
	while ((nl = strchr(m, '\n')) != NULL) {
		fprintf(stderr, "lantian: %.*s\n", (int)(nl - m), m);
		m = nl + 1;
	}
	fprintf(stderr, "lantian: %s\n", m);
	return 1;
}

void
cli_clock_warn(const struct record *r)
{
	if (r->clock_behind[0] == '\0')
		return;
	fprintf(stderr, "lantian: clock: this machine's clock (%s) is before "
	    "the last record it signed (%s): the record keeps its place in "
	    "the chain and is flagged clock-backwards; check the clock\n",
	    r->created, r->clock_behind);
}

int
cli_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("lantian: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage(const char *synopsis, const char *fmt, ...)
{
	va_list	ap;

	fputs("lantian: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: lantian %s\n", synopsis);
	return EXIT_USAGE;
}

int
cli_open(struct cli *cli, struct datadir **out)
{
	if (datadir_open(out, cli->datadir, 0) != 0)
		return cli_fail();
	return 0;
}

/* Read one line from fd into pass (at most CLI_PASS_MAX bytes). */
static int
cli_read_line(int fd, char *pass, size_t *len)
{
	ssize_t	n;
	char	c;

	*len = 0;
	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(LT_EIO, "passphrase: %s",
			    strerror(errno));
		if (n == 0 || c == '\n')
			break;
		if (*len == CLI_PASS_MAX)
			return error_set(LT_EINVAL, "passphrase: longer than "
			    "%d bytes", CLI_PASS_MAX);
		pass[(*len)++] = c;
	}
	if (*len > 0 && pass[*len - 1] == '\r')
		(*len)--;
	pass[*len] = '\0';
	return 0;
}

/* Ask on the terminal with echo off. */
static int
cli_ask(int tty, const char *prompt, char *pass, size_t *len)
{
	struct termios	old, quiet;
	int		rc;

	if (write(tty, prompt, strlen(prompt)) < 0)
		return error_set(LT_EIO, "terminal: %s", strerror(errno));
	if (tcgetattr(tty, &old) != 0)
		return error_set(LT_EIO, "terminal: %s", strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(tty, TCSAFLUSH, &quiet);
	rc = cli_read_line(tty, pass, len);
	tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0)
		(void)0;
	return rc;
}

int
cli_passphrase(const char *file, int confirm, char **out, size_t *len)
{
	char	*pass, *again;
	size_t	 alen;
	int	 fd, rc;

	if ((pass = sodium_malloc(2 * (CLI_PASS_MAX + 1))) == NULL)
		util_fatal("out of secure memory");
	again = pass + CLI_PASS_MAX + 1;
	if (file != NULL) {
		if (strcmp(file, "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
			rc = error_set(LT_EIO, "%s: %s", file, strerror(errno));
			goto fail;
		}
		rc = cli_read_line(fd, pass, len);
		if (fd != STDIN_FILENO)
			close(fd);
	} else {
		if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
			rc = error_set(LT_EINVAL, "passphrase: no terminal to "
			    "ask on (use --passphrase-file FILE, or - for "
			    "standard input)");
			goto fail;
		}
		rc = cli_ask(fd, "Passphrase: ", pass, len);
		if (rc == 0 && confirm) {
			rc = cli_ask(fd, "Passphrase again: ", again, &alen);
			if (rc == 0 && (alen != *len ||
			    sodium_memcmp(pass, again, alen) != 0))
				rc = error_set(LT_EINVAL, "passphrase: the two "
				    "entries differ");
		}
		close(fd);
	}
	if (rc == 0 && *len == 0)
		rc = error_set(LT_EINVAL, "passphrase: empty");
	if (rc != 0)
		goto fail;
	*out = pass;
	return 0;
fail:
	sodium_free(pass);
	return rc;
}

void
cli_passphrase_free(char *pass)
{
	if (pass != NULL)
		sodium_free(pass);
}

int
cli_unlock(struct datadir *dd, const char *passfile, struct key_secret **out)
{
	char	*pass;
	size_t	 len;
	int	 rc;

	if ((rc = cli_passphrase(passfile, 0, &pass, &len)) != 0)
		return rc;
	rc = datadir_device_unlock(dd, pass, len, out);
	cli_passphrase_free(pass);
	return rc;
}

int
cli_read_json(const char *path, json_t **out)
{
	json_error_t	 jerr;
	char		*buf;
	size_t		 len;
	int		 rc;

	if (strcmp(path, "-") == 0)
		rc = util_read_fd(STDIN_FILENO, "standard input", 16 << 20,
		    &buf, &len);
	else
		rc = util_read_file(path, 16 << 20, &buf, &len);
	if (rc != 0)
		return rc;
	*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (*out == NULL)
		return error_set(LT_EINVAL, "%s: not valid JSON: %s (line %d, "
		    "column %d)", path, jerr.text, jerr.line, jerr.column);
	return 0;
}

void
cli_put(FILE *f, const char *s)
{
	char	*clean = util_sanitize(s != NULL ? s : "");

	fputs(clean, f);
	free(clean);
}

/* The TUI's language (i18n_lang() decides), so both speak the same. */
const char *
cli_lang(void)
{
	return i18n_lang();
}

void
cli_size(char *buf, size_t size, long long bytes)
{
	if (bytes < 1024)
		snprintf(buf, size, "%lld B", bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, size, "%.1f KiB", (double)bytes / 1024);
	else
		snprintf(buf, size, "%.1f MiB", (double)bytes / 1048576);
}

void
cli_attached(const json_t *list)
{
	const json_t	*a;
	const char	*mime, *kind;
	char		 size[32];
	size_t		 i;

	json_array_foreach(list, i, a) {
		mime = json_string_value(json_object_get(a, "mime"));
		kind = attach_kind(mime);
		cli_size(size, sizeof size, (long long)json_integer_value(
		    json_object_get(a, "bytes")));
		fputs("lantian: attached ", stderr);
		cli_put(stderr, json_string_value(json_object_get(a, "name")));
		fprintf(stderr, " (%s, %s)\n", kind != NULL ? kind :
		    (mime != NULL ? mime : "?"), size);
	}
}

void
cli_print_json(const json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
}

void
cli_json_item(int *n, json_t *item)
{
	printf("%s\n  ", *n ? "," : "[");
	json_dumpf(item, stdout, JSON_COMPACT);
	json_decref(item);
	(*n)++;
}

void
cli_json_end(int n)
{
	printf("%s]\n", n ? "\n" : "[");
}

int
cli_show_args(int argc, char **argv, const char *synopsis, const char *what,
    int *mode)
{
	static const struct option opts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "minisig", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	*mode = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r' && c != 'm')
			return cli_usage(synopsis, "%s: bad option", what);
		if (*mode != 0 && *mode != c)
			return cli_usage(synopsis, "%s: --raw or --minisig, "
			    "not both", what);
		*mode = c;
	}
	if (optind + 1 != argc)
		return cli_usage(synopsis, "%s: one id", what);
	return 0;
}

int
cli_show_signed(int mode, const char *body, size_t len, const char *sig,
    const char *what)
{
	if (mode == 'r') {
		/* The exact signed bytes, nothing added. */
		if (fwrite(body, 1, len, stdout) != len)
			return cli_error("standard output: write failed");
		return 0;
	}
	if (sig == NULL)
		return cli_error("%s: no signature stored", what);
	fputs(sig, stdout);
	return 0;
}

/* Open the office's data directory and unlock its key. */
int
cli_office(struct cli *cli, const char *passfile, struct datadir **dd,
    struct key_secret **sk)
{
	char	*pass;
	size_t	 len;
	int	 rc;

	*sk = NULL;
	if (cli_open(cli, dd) != 0)
		return 1;
	if (!roster_office_has_key(*dd)) {
		rc = cli_error("%s: no office key here: what the office signs "
		    "is signed on its machine (lantian office init)",
		    (*dd)->path);
		goto fail;
	}
	if (cli_passphrase(passfile, 0, &pass, &len) != 0) {
		rc = cli_fail();
		goto fail;
	}
	rc = roster_office_unlock(*dd, pass, len, sk);
	cli_passphrase_free(pass);
	if (rc != 0) {
		rc = cli_fail();
		goto fail;
	}
	return 0;
fail:
	datadir_close(*dd);
	*dd = NULL;
	return rc;
}

int
cli_device_enrolled(struct datadir *dd)
{
	struct key_public	 pk;
	struct roster_entry	 e;
	char			 id[KEY_ID_HEX];

	if (datadir_device_public(dd, &pk) != 0) {
		error_clear();
		return 0;
	}
	key_id_hex(id, pk.id);
	if (roster_get(dd->db, id, &e) != 0) {
		error_clear();
		return 0;
	}
	roster_entry_clear(&e);
	return 1;
}

void
cli_enrol_hint(struct datadir *dd, const char *what)
{
	struct key_public	 pk;
	char			 id[KEY_ID_HEX], *name = NULL, *badge = NULL;

	if (datadir_device_public(dd, &pk) != 0) {
		error_clear();
		return;
	}
	key_id_hex(id, pk.id);
	if (datadir_inspector(dd, &name, &badge) != 0)
		error_clear();
	fprintf(stderr, "lantian: this machine's device key %s is not on the "
	    "roster: %s\n", id, what);
	if (roster_office_has_key(dd)) {
		fprintf(stderr, "lantian: enrol it: lantian --data ");
		cli_put(stderr, dd->path);
		fprintf(stderr, " roster add ");
		cli_put(stderr, dd->path);
		fprintf(stderr, "/keys/device.pub --name ");
		cli_put(stderr, name != NULL && *name != '\0' ? name : "NAME");
		fprintf(stderr, " --badge ");
		cli_put(stderr, badge != NULL && *badge != '\0' ? badge :
		    "BADGE");
		fprintf(stderr, "\n");
	} else {
		fprintf(stderr, "lantian: ask the office to enrol it: ");
		cli_put(stderr, dd->path);
		fprintf(stderr, "/keys/device.pub\n");
	}
	free(name);
	free(badge);
}
