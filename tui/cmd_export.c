/*
 * Evidence bundles (core/bundle.h):
 *
 *   lantian export (--site S | --record ID... | --finding RULE)
 *       [--from DATE] [--to DATE] --case ID --out DIR [--tar]
 *       [--lang zh|en] [--include-unverified] [--passphrase-file F]
 *   lantian verify-bundle DIR|FILE.tar [--office-key F]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/bundle.h"
#include "core/error.h"
#include "core/key.h"
#include "core/util.h"

#define EXPORT_SYNOPSIS "export (--site S | --record ID... | --finding " \
	"RULE) [--from YYYY-MM-DD] [--to YYYY-MM-DD] --case ID --out DIR " \
	"[--tar] [--lang zh|en] [--include-unverified] [--passphrase-file F]"
#define VERIFY_BUNDLE_SYNOPSIS "verify-bundle DIR|FILE.tar [--office-key F]"

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "record", required_argument, NULL, 'r' },
		{ "finding", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "case", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "tar", no_argument, NULL, 't' },
		{ "lang", required_argument, NULL, 'l' },
		{ "include-unverified", no_argument, NULL, 'u' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct bundle_sel	 sel;
	struct bundle_stats	 st;
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	const char		**ids;
	const char		*out = NULL, *passfile = NULL;
	char			*tar = NULL, *described = NULL, *more;
	size_t			 n;
	int			 c, tarflag = 0, kinds = 0, rc = 1, i;

	memset(&sel, 0, sizeof sel);
	ids = xcalloc((size_t)argc + 1, sizeof *ids);
	sel.lang = "zh";
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sel.site = optarg;
			kinds++;
			break;
		case 'r':
			if (sel.nrecords == 0)
				kinds++;
			ids[sel.nrecords++] = optarg;
			break;
		case 'f':
			sel.finding = optarg;
			kinds++;
			break;
		case 'F':
			sel.from = optarg;
			break;
		case 'T':
			sel.to = optarg;
			break;
		case 'c':
			sel.case_id = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			tarflag = 1;
			break;
		case 'l':
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg,
			    "en") != 0) {
				rc = cli_usage(EXPORT_SYNOPSIS, "export: --lang "
				    "zh or --lang en");
				goto cleanup;
			}
			sel.lang = optarg;
			break;
		case 'u':
			sel.include_unverified = 1;
			break;
		case 'p':
			passfile = optarg;
			break;
		default:
			rc = cli_usage(EXPORT_SYNOPSIS, "export: bad option");
			goto cleanup;
		}
	}
	/* --record A B C: the ids after the first are arguments. */
	for (i = optind; i < argc && sel.nrecords > 0; i++)
		ids[sel.nrecords++] = argv[i];
	if (optind < argc && sel.nrecords == 0) {
		rc = cli_usage(EXPORT_SYNOPSIS, "export: unexpected argument %s",
		    argv[optind]);
		goto cleanup;
	}
	if (kinds != 1) {
		rc = cli_usage(EXPORT_SYNOPSIS, "export: --site, --record or "
		    "--finding, one of them");
		goto cleanup;
	}
	if (sel.case_id == NULL || out == NULL) {
		rc = cli_usage(EXPORT_SYNOPSIS, "export: --case and --out are "
		    "required");
		goto cleanup;
	}
	sel.records = ids;
	/* The selection in words, for bag-info.txt. */
	if (sel.site != NULL)
		described = xasprintf("the records of site %s", sel.site);
	else if (sel.finding != NULL)
		described = xasprintf("the records that found rule %s, and "
		    "those that closed it", sel.finding);
	else {
		described = xstrdup("the records");
		for (n = 0; n < sel.nrecords; n++) {
			more = xasprintf("%s %s", described, ids[n]);
			free(described);
			described = more;
		}
	}
	if (sel.from != NULL || sel.to != NULL) {
		more = xasprintf("%s, made %s%s%s%s", described, sel.from !=
		    NULL ? "from " : "", sel.from != NULL ? sel.from : "",
		    sel.to != NULL ? " to " : "", sel.to != NULL ? sel.to : "");
		free(described);
		described = more;
	}
	if (sel.include_unverified) {
		more = xasprintf("%s, unverified records included", described);
		free(described);
		described = more;
	}
	sel.described = described;
	if (tarflag) {
		n = strlen(out);
		while (n > 1 && out[n - 1] == '/')
			n--;
		tar = xasprintf("%.*s.tar", (int)n, out);
	}
	if (cli_open(cli, &dd) != 0)
		goto cleanup;
	if (cli_unlock(dd, passfile, &sk) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (!cli_device_enrolled(dd)) {
		/* Core refuses it too; here the exact command is known. */
		cli_enrol_hint(dd, "a bag it signs would not verify (the "
		    "exporter must be on the office's roster), so nothing is "
		    "exported");
		goto cleanup;
	}
	if (bundle_export(dd, sk, &sel, out, tar, &st) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	printf("%s\n", out);
	if (tar != NULL)
		printf("%s\n", tar);
	fprintf(stderr, "lantian: case %s: %d record(s) (%d amendment(s), %d "
	    "not verified), %d attachment(s), %d review(s), %d form(s); %zu "
	    "payload files, %llu bytes\n", sel.case_id, st.records,
	    st.amendments, st.unverified, st.attachments, st.reviews,
	    st.forms, st.payload_files, (unsigned long long)st.payload_bytes);
	rc = 0;
cleanup:
	key_secret_free(sk);
	datadir_close(dd);
	free(ids);
	free(tar);
	free(described);
	return rc;
}

static void
verify_line(enum bundle_mark mark, const char *text, void *arg)
{
	(void)arg;
	printf("%-4s  %s\n", mark == BUNDLE_OK ? "ok" : mark == BUNDLE_FAIL ?
	    "FAIL" : "note", text);
}

int
cmd_verify_bundle(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "office-key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*office = NULL;
	int		 c, failed;

	(void)cli;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			office = optarg;
			break;
		default:
			return cli_usage(VERIFY_BUNDLE_SYNOPSIS, "verify-bundle: "
			    "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage(VERIFY_BUNDLE_SYNOPSIS, "verify-bundle: which "
		    "bag?");
	if (bundle_verify(argv[optind], office, verify_line, NULL,
	    &failed) != 0)
		return cli_fail();
	fflush(stdout);
	return failed > 0 ? 1 : 0;
}
