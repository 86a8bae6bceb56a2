/*
 * The office's review of records and the inspector's answer
 * (core/review.h):
 *
 *   lantian review ID --accept | --return QUESTION | --reject REASON
 *       [--force]   (rejecting a record the office accepted needs --force)
 *   lantian review list [--state S] [--mine] [--limit N] [--json]
 *   lantian review show ID [--json]
 *   lantian amend ID --reply TEXT [--answers A.json] [--attach FILE]...
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/inspect.h"
#include "core/key.h"
#include "core/record.h"
#include "core/review.h"
#include "core/util.h"

#define REVIEW_SYNOPSIS "review ID --accept | --return QUESTION | " \
	"--reject REASON [--force] [--passphrase-file F] | review list [--state " \
	"pending|accepted|returned|rejected] [--mine] [--limit N] [--json] | " \
	"review show ID [--json]"
#define AMEND_SYNOPSIS "amend ID --reply TEXT [--answers A.json] " \
	"[--attach FILE]... " \
	"[--passphrase-file F]"

struct review_out {
	int	as_json;
	int	n;
};

static json_t *
review_json(const struct review *rv)
{
	json_t	*j;

	j = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
	    "record", rv->record, "state", rv->state, "created",
	    rv->created[0] != '\0' ? rv->created : NULL, "site", rv->site,
	    "form", rv->form, "inspector", rv->inspector, "reviewed",
	    rv->reviewed[0] != '\0' ? rv->reviewed : NULL, "text", rv->text);
	if (rv->amendment[0] != '\0')
		json_object_set_new(j, "amendment", json_string(rv->amendment));
	return j;
}

static int
review_print(const struct review *rv, void *arg)
{
	struct review_out	*o = arg;

	if (o->as_json) {
		cli_json_item(&o->n, review_json(rv));
		return 0;
	}
	printf("%.12s  %-8s  %.16s  ", rv->record, rv->state,
	    rv->reviewed[0] != '\0' ? rv->reviewed : rv->created);
	cli_put(stdout, rv->site != NULL ? rv->site : "-");
	printf("  ");
	cli_put(stdout, rv->inspector != NULL ? rv->inspector : "?");
	if (rv->amendment[0] != '\0')
		printf("  (amended by %.12s)", rv->amendment);
	if (rv->text != NULL) {
		printf("\n    ");
		cli_put(stdout, rv->text);
	}
	printf("\n");
	o->n++;
	return 0;
}

static int
review_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "mine", no_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct review_filter	 f = { REVIEW_PENDING, NULL, NULL, 0 };
	struct review_out	 o = { 0, 0 };
	struct key_public	 pk;
	struct datadir		*dd;
	char			 dev[KEY_ID_HEX], *end;
	long			 n;
	int			 c, mine = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!review_state_known(optarg))
				return cli_usage(REVIEW_SYNOPSIS, "review list: "
				    "--state is pending, accepted, returned or "
				    "rejected");
			f.state = optarg;
			break;
		case 'm':
			mine = 1;
			break;
		case 'l':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 1000000)
				return cli_usage(REVIEW_SYNOPSIS, "review list: "
				    "--limit takes a number from 1");
			f.limit = (int)n;
			break;
		case 'j':
			o.as_json = 1;
			break;
		default:
			return cli_usage(REVIEW_SYNOPSIS, "review list: bad "
			    "option");
		}
	}
	if (optind != argc)
		return cli_usage(REVIEW_SYNOPSIS, "review list: unexpected "
		    "argument");
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (mine) {
		if (datadir_device_public(dd, &pk) != 0) {
			datadir_close(dd);
			return cli_fail();
		}
		key_id_hex(dev, pk.id);
		f.device = dev;
	}
	rc = review_each(dd->db, &f, review_print, &o);
	if (o.as_json)
		cli_json_end(o.n);
	datadir_close(dd);
	return rc != 0 ? cli_fail() : 0;
}

static int
review_step_json(const struct review_step *s, void *arg)
{
	json_t	*j;

	j = json_pack("{s:s, s:s, s:s?}", "at", s->at, "state", s->state,
	    "text", s->text);
	if (s->amendment != NULL)
		json_object_set_new(j, "amendment", json_string(s->amendment));
	json_array_append_new(arg, j);
	return 0;
}

static int
review_show(struct cli *cli, int argc, char **argv)
{
	struct review	 rv;
	struct record	 r;
	struct datadir	*dd;
	json_t		*hist, *j, *s;
	size_t		 i;
	int		 as_json = 0, rc;

	if (argc == 3 && strcmp(argv[2], "--json") == 0)
		as_json = 1;
	else if (argc != 2)
		return cli_usage(REVIEW_SYNOPSIS, "review show: which record?");
	if (cli_open(cli, &dd) != 0)
		return 1;
	if ((rc = record_load(dd->db, argv[1], &r)) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	hist = json_array();
	if ((rc = review_get(dd->db, r.id, &rv)) == 0 &&
	    (rc = review_history(dd->db, r.id, review_step_json, hist)) == 0) {
		j = review_json(&rv);
		json_object_set(j, "history", hist);
		if (as_json)
			cli_print_json(j);
		else {
			printf("record %s: %s%s\n", r.id, rv.state,
			    rv.amendment[0] != '\0' ? " (amended)" : "");
			json_array_foreach(hist, i, s) {
				printf("  %.19s  %-8s  ", json_string_value(
				    json_object_get(s, "at")),
				    json_string_value(json_object_get(s,
				    "state")));
				cli_put(stdout, json_string_value(
				    json_object_get(s, "text")));
				printf("\n");
			}
		}
		json_decref(j);
	}
	json_decref(hist);
	review_clear(&rv);
	record_clear(&r);
	datadir_close(dd);
	return rc != 0 ? cli_fail() : 0;
}

/*
 * Rejecting a record the office accepted takes back what it may have
 * published: refused without --force (before the passphrase is asked).
 */
static int
review_check_accepted(struct cli *cli, const char *id)
{
	struct datadir	*dd;
	struct record	 r;
	struct review	 rv;
	char		 when[64];
	int		 rc = 0;

	if (cli_open(cli, &dd) != 0)
		return 1;
	if (record_load(dd->db, id, &r) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	if (review_get(dd->db, r.id, &rv) == 0) {
		if (strcmp(rv.state, REVIEW_ACCEPTED) == 0) {
			util_local_rfc3339(when, sizeof when, rv.reviewed);
			rc = cli_error("review: record %.16s was accepted on %s: "
			    "rejecting it takes back what the office accepted "
			    "(and may have published); give --force to reject "
			    "it", r.id, when);
		}
		review_clear(&rv);
	} else
		error_clear();
	record_clear(&r);
	datadir_close(dd);
	return rc;
}

int
cmd_review(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "accept", no_argument, NULL, 'a' },
		{ "return", required_argument, NULL, 'r' },
		{ "reject", required_argument, NULL, 'x' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	struct record		 r;
	const char		*state = NULL, *text = NULL, *passfile = NULL;
	int			 c, n = 0, rc, force = 0;

	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return review_list(cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return review_show(cli, argc - 1, argv + 1);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			state = REVIEW_ACCEPTED;
			n++;
			break;
		case 'r':
			state = REVIEW_RETURNED;
			text = optarg;
			n++;
			break;
		case 'x':
			state = REVIEW_REJECTED;
			text = optarg;
			n++;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			return cli_usage(REVIEW_SYNOPSIS, "review: bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage(REVIEW_SYNOPSIS, "review: which record?");
	if (n != 1)
		return cli_usage(REVIEW_SYNOPSIS, "review: --accept, --return "
		    "or --reject, one of them");
	if (review_text_check(text, strcmp(state, REVIEW_RETURNED) == 0 ?
	    "the question" : strcmp(state, REVIEW_REJECTED) == 0 ?
	    "the reason" : NULL, "review") != 0)
		return cli_fail();
	if (strcmp(state, REVIEW_REJECTED) == 0 && !force &&
	    (rc = review_check_accepted(cli, argv[optind])) != 0)
		return rc;
	if (cli_office(cli, passfile, &dd, &sk) != 0)
		return 1;
	if ((rc = record_load(dd->db, argv[optind], &r)) == 0) {
		rc = review_issue(dd, sk, r.id, state, text);
		if (rc == 0)
			fprintf(stderr, "lantian: record %.16s: %s; the review "
			    "goes out with the next sync\n", r.id, state);
		record_clear(&r);
	}
	key_secret_free(sk);
	datadir_close(dd);
	return rc != 0 ? cli_fail() : 0;
}

int
cmd_amend(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reply", required_argument, NULL, 'r' },
		{ "answers", required_argument, NULL, 'a' },
		{ "attach", required_argument, NULL, 't' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	const char		**attach;
	struct amend		 a;
	struct record		 rec;
	const char		*answers_path = NULL, *passfile = NULL;
	json_t			*answers = NULL;
	int			 c, rc = 1;

	memset(&a, 0, sizeof a);
	memset(&rec, 0, sizeof rec);
	attach = xcalloc((size_t)argc + 1, sizeof *attach);
	a.attach = attach;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			a.reply = optarg;
			break;
		case 'a':
			answers_path = optarg;
			break;
		case 't':
			attach[a.nattach++] = optarg;
			break;
		case 'p':
			passfile = optarg;
			break;
		default:
			rc = cli_usage(AMEND_SYNOPSIS, "amend: bad option");
			goto cleanup;
		}
	}
	if (optind != argc - 1 || a.reply == NULL) {
		rc = cli_usage(AMEND_SYNOPSIS, "amend: the record and --reply "
		    "are required");
		goto cleanup;
	}
	a.record = argv[optind];
	if (review_text_check(a.reply, "the reply to the office",
	    "amend") != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (cli_open(cli, &dd) != 0)
		goto cleanup;
	if ((answers_path != NULL && cli_read_json(answers_path,
	    &answers) != 0) || cli_unlock(dd, passfile, &sk) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	a.answers = answers;
	if (inspect_amend(dd, sk, &a, &rec) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	printf("%s\n", rec.id);
	cli_attached(json_object_get(rec.doc, "attachments"));
	fprintf(stderr, "lantian: amendment %.16s of record %.16s: seq %lld\n",
	    rec.id, json_string_value(json_object_get(rec.doc, "amends")),
	    (long long)rec.seq);
	cli_clock_warn(&rec);
	rc = 0;
cleanup:
	record_clear(&rec);
	key_secret_free(sk);
	json_decref(answers);
	datadir_close(dd);
	free(attach);
	return rc;
}
