#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/db.h"
#include "core/error.h"
#include "core/roster.h"
#include "core/sig.h"
#include "core/trust.h"
#include "core/util.h"

#define ROSTER_SYNOPSIS "roster add PUB --name N --badge B [--from DATE] " \
	"[--redate] " \
	"[--passphrase-file F|-] | roster revoke KEYID [--at DATE] " \
	"[--passphrase-file F|-] | roster list [--json] | " \
	"roster show KEYID [--raw|--minisig] | roster import ENTRY.json..."


/* How the stored records of a key stand now, in one line. */
static void
roster_cli_counts(sqlite3 *db, const char *key_id)
{
	static const char *const statuses[] = {
		TRUST_VERIFIED, TRUST_UNKNOWN_KEY, TRUST_REVOKED, NULL
	};
	sqlite3_stmt	*st;
	int		 i;

	if (db_prepare(db, &st, "SELECT count(*) FROM records "
	    "WHERE status = ?1 AND device = ?2") != 0) {
		error_clear();
		return;
	}
	printf("  records of this key:");
	for (i = 0; statuses[i] != NULL; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, statuses[i]);
		db_bind_text(st, 2, key_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			printf("%s %lld %s", i > 0 ? "," : "",
			    (long long)sqlite3_column_int64(st, 0),
			    statuses[i]);
	}
	printf("\n");
	sqlite3_finalize(st);
}

/* roster add PUB --name N --badge B [--from DATE]: enrol a device key. */
static int
roster_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "badge", required_argument, NULL, 'b' },
		{ "from", required_argument, NULL, 'f' },
		{ "redate", no_argument, NULL, 'r' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	struct key_public	 pk;
	struct roster_entry	 e, old;
	int			 redate = 0;
	const char		*name = NULL, *badge = NULL, *from = NULL;
	const char		*passfile = NULL;
	char			*text;
	size_t			 len;
	int			 c, rc, had;

	memset(&e, 0, sizeof e);
	memset(&old, 0, sizeof old);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'b':
			badge = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'r':
			redate = 1;
			break;
		case 'p':
			passfile = optarg;
			break;
		default:
			return cli_usage(ROSTER_SYNOPSIS, "roster add: bad "
			    "option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage(ROSTER_SYNOPSIS, "roster add: one device "
		    "public key file (keys/device.pub of the device)");
	if (name == NULL || *name == '\0' || badge == NULL || *badge == '\0')
		return cli_usage(ROSTER_SYNOPSIS, "roster add: --name and "
		    "--badge are required");
	if (from != NULL && roster_parse_time(from, e.valid_from) != 0)
		return cli_usage(ROSTER_SYNOPSIS, "roster add: --from %s",
		    error_msg());
	if (util_read_file(argv[optind], 4096, &text, &len) != 0)
		return cli_fail();
	rc = key_public_parse(text, len, &pk);
	free(text);
	if (rc != 0)
		return cli_error("%s: %s", argv[optind], error_msg());
	key_id_hex(e.key_id, pk.id);
	e.pubkey = key_public_base64(&pk);
	e.name = xstrdup(name);
	e.badge = xstrdup(badge);

	if ((rc = cli_office(cli, passfile, &dd, &sk)) != 0)
		goto cleanup;
	rc = roster_get(dd->db, e.key_id, &old);
	if (rc != 0 && rc != LT_ENOTFOUND) {
		rc = cli_fail();
		goto cleanup;
	}
	had = rc == 0;
	error_clear();
	if (had && old.revoked_at[0] != '\0') {
		/* A revoked key may be in other hands: never trusted again. */
		rc = cli_error("key %s: revoked at %s; a revoked key is never "
		    "enrolled again (make the device a new key)", e.key_id,
		    old.revoked_at);
		goto cleanup;
	}
	/* Enrolled again (a new name or badge): valid from as before. */
	if (from == NULL)
		snprintf(e.valid_from, sizeof e.valid_from, "%s", had ?
		    old.valid_from : "");
	if (e.valid_from[0] == '\0')
		util_rfc3339(e.valid_from, sizeof e.valid_from, util_now());
	if (roster_admit(dd->db, &e, redate ? ROSTER_REDATE : 0) != 0 ||
	    roster_issue(dd->db, sk, &e) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	printf("key %s on the roster: ", e.key_id);
	cli_put(stdout, e.name);
	printf(" (");
	cli_put(stdout, e.badge);
	printf("), valid from %s, issued %s\n", e.valid_from, e.issued);
	roster_cli_counts(dd->db, e.key_id);
	rc = 0;
cleanup:
	roster_entry_clear(&e);
	roster_entry_clear(&old);
	key_secret_free(sk);
	datadir_close(dd);
	return rc;
}

/* roster revoke KEYID [--at DATE]: a new entry with revoked_at. */
static int
roster_revoke(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	struct roster_entry	 e;
	const char		*passfile = NULL;
	char			 at[32];
	int			 c, rc;

	memset(&e, 0, sizeof e);
	at[0] = '\0';
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (roster_parse_time(optarg, at) != 0)
				return cli_usage(ROSTER_SYNOPSIS, "roster "
				    "revoke: --at %s", error_msg());
			break;
		case 'p':
			passfile = optarg;
			break;
		default:
			return cli_usage(ROSTER_SYNOPSIS, "roster revoke: bad "
			    "option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage(ROSTER_SYNOPSIS, "roster revoke: one key id");
	if (at[0] == '\0')
		util_rfc3339(at, sizeof at, util_now());
	if ((rc = cli_office(cli, passfile, &dd, &sk)) != 0)
		return rc;
	if (roster_get(dd->db, argv[optind], &e) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (e.revoked_at[0] != '\0' && strcmp(at, e.revoked_at) >= 0) {
		rc = cli_error("key %s: revoked already at %s", e.key_id,
		    e.revoked_at);
		goto cleanup;
	}
	snprintf(e.revoked_at, sizeof e.revoked_at, "%s", at);
	if (roster_issue(dd->db, sk, &e) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	printf("key %s revoked at %s: ", e.key_id, e.revoked_at);
	cli_put(stdout, e.name);
	printf(" (");
	cli_put(stdout, e.badge);
	printf("), issued %s\n", e.issued);
	roster_cli_counts(dd->db, e.key_id);
	rc = 0;
cleanup:
	roster_entry_clear(&e);
	key_secret_free(sk);
	datadir_close(dd);
	return rc;
}

/* Where a roster list is going. */
struct roster_cli_list {
	int	as_json;
	int	n;
	time_t	now;
};

/* One entry of roster list. */
static int
roster_cli_item(const struct roster_entry *e, void *arg)
{
	struct roster_cli_list	*l = arg;
	int			 valid = roster_valid_at(e, l->now);
	json_t			*o;

	if (l->as_json) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
		    "key_id", e->key_id, "name", e->name, "badge", e->badge,
		    "pubkey", e->pubkey, "valid_from", e->valid_from,
		    "issued", e->issued, "valid_now", valid);
		json_object_set_new(o, "revoked_at", e->revoked_at[0] != '\0' ?
		    json_string(e->revoked_at) : json_null());
		cli_json_item(&l->n, o);
		return 0;
	}
	printf("%-16s  %-20s  %-20s  %-7s  ", e->key_id, e->valid_from,
	    e->revoked_at[0] != '\0' ? e->revoked_at : "-",
	    valid ? "valid" : e->revoked_at[0] != '\0' ? "revoked" :
	    "not-yet");
	cli_put(stdout, e->badge);
	printf("  ");
	cli_put(stdout, e->name);
	printf("\n");
	l->n++;
	return 0;
}

/* roster list [--json] */
static int
roster_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct roster_cli_list	 l;
	struct datadir		*dd;
	int			 c, rc;

	memset(&l, 0, sizeof l);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			l.as_json = 1;
			break;
		default:
			return cli_usage(ROSTER_SYNOPSIS, "roster list: bad "
			    "option");
		}
	}
	if (optind != argc)
		return cli_usage(ROSTER_SYNOPSIS, "roster list: unexpected "
		    "argument %s", argv[optind]);
	if (cli_open(cli, &dd) != 0)
		return 1;
	l.now = util_now();
	if (!l.as_json)
		printf("%-16s  %-20s  %-20s  %-7s  %s\n", "key", "valid from",
		    "revoked at", "now", "badge  name");
	rc = roster_each(dd->db, roster_cli_item, &l);
	if (l.as_json)
		cli_json_end(l.n);
	rc = rc != 0 ? cli_fail() : 0;
	datadir_close(dd);
	return rc;
}

/* roster show KEYID [--raw|--minisig] */
static int
roster_show(struct cli *cli, int argc, char **argv)
{
	struct roster_entry	 e;
	struct datadir		*dd;
	int			 mode, rc;

	if ((rc = cli_show_args(argc, argv, ROSTER_SYNOPSIS, "roster show",
	    &mode)) != 0)
		return rc;
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (roster_get(dd->db, argv[optind], &e) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	if (mode != 0)
		rc = cli_show_signed(mode, e.body, e.len, e.sig, e.key_id);
	else {
		printf("key        %s\nname       ", e.key_id);
		cli_put(stdout, e.name);
		printf("\nbadge      ");
		cli_put(stdout, e.badge);
		printf("\npublic key %s\nvalid from %s\nrevoked at %s\n"
		    "issued     %s\n", e.pubkey, e.valid_from,
		    e.revoked_at[0] != '\0' ? e.revoked_at : "-", e.issued);
	}
	roster_entry_clear(&e);
	datadir_close(dd);
	return rc;
}

/* Accept one entry file and its .minisig; 0, or the error is set. */
static int
roster_import_one(struct datadir *dd, const char *path)
{
	struct roster_entry	 e;
	char			*body = NULL, *sig = NULL, *sigpath;
	size_t			 len, siglen;
	int			 rc, stored;

	sigpath = xasprintf("%s.minisig", path);
	if ((rc = util_read_file(path, ROSTER_MAX, &body, &len)) != 0 ||
	    (rc = util_read_file(sigpath, SIG_MAX_FILE, &sig, &siglen)) != 0)
		goto cleanup;
	if ((rc = db_begin(dd->db)) != 0)
		goto cleanup;
	if ((rc = roster_accept(dd->db, body, len, sig, &stored)) != 0) {
		db_rollback(dd->db);
		free(sig);
		sig = xstrdup(error_msg());
		rc = error_set(rc, "%s: %s", path, sig);
		goto cleanup;
	}
	if ((rc = db_commit(dd->db)) != 0)
		goto cleanup;
	if (roster_parse(&e, body, len) == 0) {
		printf("key %s: %s\n", e.key_id, stored ? "stored" : "not "
		    "newer than the stored entry, ignored");
		roster_cli_counts(dd->db, e.key_id);
		roster_entry_clear(&e);
	}
cleanup:
	free(body);
	free(sig);
	free(sigpath);
	return rc;
}

/*
 * roster import ENTRY.json...: entries the office signed, each with its
 * ENTRY.json.minisig beside it (from a USB stick, before sync does it).
 */
static int
roster_import(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd;
	int		 i, rc = 0;

	if (argc < 2)
		return cli_usage(ROSTER_SYNOPSIS, "roster import: which entry "
		    "files?");
	if (cli_open(cli, &dd) != 0)
		return 1;
	for (i = 1; i < argc; i++) {
		if (roster_import_one(dd, argv[i]) != 0)
			rc = cli_fail();
	}
	datadir_close(dd);
	return rc;
}

/* lantian roster: enrol, revoke, list, show, import. */
int
cmd_roster(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(ROSTER_SYNOPSIS, "roster: which subcommand?");
	if (strcmp(argv[1], "add") == 0)
		return roster_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return roster_revoke(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return roster_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return roster_show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return roster_import(cli, argc - 1, argv + 1);
	return cli_usage(ROSTER_SYNOPSIS, "roster %s: unknown subcommand",
	    argv[1]);
}
