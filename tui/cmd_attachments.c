/*
 * lantian attachments show ID | attachments extract SHA256 --out FILE:
 * a photo (or scan, or recording) of the store, by its SHA-256 or a
 * unique prefix of it: what it is, which records cite it and where it is
 * kept; and a copy of it, its hash checked, for a viewer or a colleague.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/attach.h"
#include "core/error.h"

#define ATTACHMENTS_SYNOPSIS "attachments show ID | " \
	"attachments extract SHA256 --out FILE"

/* One record citing the attachment, on a line. */
static int
attachments_cite(const struct attach_cite *c, void *arg)
{
	int	*n = arg;

	if ((*n)++ == 0)
		printf("cited by\n");
	printf("  %.64s  ", c->id);
	cli_put(stdout, c->type);
	printf("  ");
	cli_put(stdout, c->site != NULL ? c->site : "-");
	printf("  ");
	cli_put(stdout, c->created);
	printf("  as ");
	cli_put(stdout, c->name != NULL ? c->name : "?");
	if (c->caption != NULL && *c->caption != '\0') {
		printf(" (");
		cli_put(stdout, c->caption);
		printf(")");
	}
	printf("\n");
	return 0;
}

static int
attachments_show(struct cli *cli, int argc, char **argv)
{
	struct attach_stored	 a;
	struct datadir		*dd;
	const char		*kind;
	char			 sha[65], size[32];
	int			 n = 0, rc = 1;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(ATTACHMENTS_SYNOPSIS, "attachments show: one "
		    "id (a SHA-256 or a prefix of one)");
	if (cli_open(cli, &dd) != 0)
		return 1;
	memset(&a, 0, sizeof a);
	if (attach_resolve(dd->db, dd->path, argv[1], sha) != 0 ||
	    attach_lookup(dd->db, dd->path, sha, &a) != 0)
		goto fail;
	printf("sha256     %s\n", a.sha256);
	if (a.mime[0] != '\0') {
		kind = attach_kind(a.mime);
		printf("type       %s%s%s%s\n", a.mime, kind ? " (" : "",
		    kind ? kind : "", kind ? ")" : "");
	} else
		printf("type       unknown (not on this device)\n");
	if (a.bytes >= 0) {
		cli_size(size, sizeof size, a.bytes);
		printf("size       %s (%" PRId64 " bytes)\n", size, a.bytes);
	}
	if (a.stored != NULL) {
		printf("stored     ");
		cli_put(stdout, a.stored);
		printf("\n");
	} else
		printf("stored     not on this device (cited only: it stays "
		    "with the device that took it, or the office)\n");
	if (a.added[0] != '\0')
		printf("added      %s\n", a.added);
	if (attach_cited(dd->db, sha, NULL, attachments_cite, &n) != 0)
		goto fail;
	if (n == 0)
		printf("cited by   no signed record yet (a draft's, or "
		    "left over)\n");
	if (a.stored == NULL && n == 0) {
		error_set(LT_ENOTFOUND, "attachment %s: no such attachment on "
		    "this device", argv[1]);
		goto fail;
	}
	rc = 0;
	goto cleanup;
fail:
	rc = cli_fail();
cleanup:
	attach_stored_clear(&a);
	datadir_close(dd);
	return rc;
}

static int
attachments_extract(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir	*dd;
	const char	*out = NULL;
	char		 sha[65];
	int		 c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_usage(ATTACHMENTS_SYNOPSIS, "attachments "
			    "extract: bad option");
		out = optarg;
	}
	if (optind + 1 != argc || out == NULL || *out == '\0')
		return cli_usage(ATTACHMENTS_SYNOPSIS, "attachments extract: "
		    "one SHA-256 (or prefix) and --out FILE");
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (attach_resolve(dd->db, dd->path, argv[optind], sha) != 0 ||
	    attach_extract(dd->path, sha, out) != 0)
		rc = cli_fail();
	else {
		fprintf(stderr, "lantian: attachment %.16s written to ", sha);
		cli_put(stderr, out);
		fputc('\n', stderr);
		rc = 0;
	}
	datadir_close(dd);
	return rc;
}

int
cmd_attachments(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(ATTACHMENTS_SYNOPSIS, "attachments: which "
		    "subcommand?");
	if (strcmp(argv[1], "show") == 0)
		return attachments_show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "extract") == 0)
		return attachments_extract(cli, argc - 1, argv + 1);
	return cli_usage(ATTACHMENTS_SYNOPSIS, "attachments %s: unknown "
	    "subcommand", argv[1]);
}
