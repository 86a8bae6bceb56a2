#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/form.h"
#include "core/inspect.h"
#include "core/util.h"

#define INSPECT_SYNOPSIS "inspect --site S --form ID|FILE --answers A.json " \
	"[--attach FILE]... [--notes TEXT] [--follows ID] [--any-kind]\n" \
	"        (--ack-name N --ack-role R | --ack-refused --ack-witness W) " \
	"[--passphrase-file F|-]"

int
cmd_inspect(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "form", required_argument, NULL, 'f' },
		{ "answers", required_argument, NULL, 'a' },
		{ "attach", required_argument, NULL, 't' },
		{ "notes", required_argument, NULL, 'n' },
		{ "follows", required_argument, NULL, 'F' },
		{ "ack-name", required_argument, NULL, 'N' },
		{ "ack-role", required_argument, NULL, 'R' },
		{ "ack-refused", no_argument, NULL, 'X' },
		{ "ack-witness", required_argument, NULL, 'W' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "any-kind", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	struct form		*form = NULL;
	struct inspect		 in;
	struct record		 rec;
	const char		*formarg = NULL, *answers_path = NULL;
	const char		*passfile = NULL, *ack_name = NULL;
	const char		*ack_role = NULL, *ack_witness = NULL;
	const char		**attach, *why;
	json_t			*answers = NULL, *ack = NULL;
	int			 c, refused = 0, rc = 1;

	memset(&in, 0, sizeof in);
	memset(&rec, 0, sizeof rec);
	attach = xcalloc((size_t)argc, sizeof *attach);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			in.site = optarg;
			break;
		case 'f':
			formarg = optarg;
			break;
		case 'a':
			answers_path = optarg;
			break;
		case 't':
			attach[in.nattach++] = optarg;
			break;
		case 'n':
			in.notes = optarg;
			break;
		case 'F':
			in.follows = optarg;
			break;
		case 'N':
			ack_name = optarg;
			break;
		case 'R':
			ack_role = optarg;
			break;
		case 'X':
			refused = 1;
			break;
		case 'W':
			ack_witness = optarg;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'K':
			in.any_kind = 1;
			break;
		default:
			rc = cli_usage(INSPECT_SYNOPSIS, "inspect: bad option");
			goto cleanup;
		}
	}
	if (optind != argc || in.site == NULL || formarg == NULL ||
	    answers_path == NULL) {
		rc = cli_usage(INSPECT_SYNOPSIS, "inspect: --site, --form and "
		    "--answers are required");
		goto cleanup;
	}
	if (!refused && (ack_name == NULL) != (ack_role == NULL)) {
		rc = cli_usage(INSPECT_SYNOPSIS, "inspect: --ack-name and "
		    "--ack-role go together");
		goto cleanup;
	}
	in.attach = attach;
	if (ack_name != NULL || ack_role != NULL || refused ||
	    ack_witness != NULL) {
		ack = json_pack("{s:s, s:s, s:b}", "name", ack_name != NULL ?
		    ack_name : "", "role", ack_role != NULL ? ack_role : "",
		    "refused", refused);
		if (ack_witness != NULL)
			json_object_set_new(ack, "witness",
			    json_string(ack_witness));
		in.acknowledged = ack;
	}
	/* The TUI's rule and words, before the passphrase is asked. */
	if ((why = inspect_ack_problem(in.acknowledged)) != NULL) {
		rc = cli_usage(INSPECT_SYNOPSIS, "inspect: acknowledgment: %s "
		    "(--ack-name N --ack-role R, or --ack-refused --ack-witness "
		    "W)", why);
		goto cleanup;
	}
	if (cli_open(cli, &dd) != 0)
		goto cleanup;
	/* Check everything that needs no key before asking for it. */
	if (form_open(&form, formarg, datadir_form_dirs(dd)) != 0 ||
	    cli_read_json(answers_path, &answers) != 0 ||
	    cli_unlock(dd, passfile, &sk) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	in.form = form;
	in.answers = answers;
	if (inspect_finish(dd, sk, &in, &rec) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	printf("%s\n", rec.id);
	cli_attached(json_object_get(rec.doc, "attachments"));
	fprintf(stderr, "lantian: record %s: seq %lld, %zu finding(s)\n",
	    rec.id, (long long)rec.seq,
	    json_array_size(json_object_get(rec.doc, "findings")));
	cli_clock_warn(&rec);
	rc = 0;
cleanup:
	record_clear(&rec);
	key_secret_free(sk);
	form_free(form);
	json_decref(answers);
	json_decref(ack);
	datadir_close(dd);
	free(attach);
	return rc;
}
