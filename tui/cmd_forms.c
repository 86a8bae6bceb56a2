#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/form.h"
#include "core/record.h"
#include "core/util.h"

#define FORMS_SYNOPSIS "forms list | forms check FILE... | " \
	"forms try FILE|ID --answers A.json [--json]"

/* The form directories, including the data directory's when it exists. */
static const char *const *
forms_dirs(struct cli *cli, struct datadir **dd)
{
	*dd = NULL;
	if (datadir_open(dd, cli->datadir, 0) != 0) {
		*dd = NULL;
		error_clear();
	}
	return datadir_form_dirs(*dd);
}

static int
forms_list(struct cli *cli, int argc)
{
	struct datadir	 *dd;
	struct form	**forms;
	const json_t	 *tasks, *t;
	const char	 *lang = cli_lang();
	size_t		  i, n, j;

	if (argc != 1)
		return cli_usage(FORMS_SYNOPSIS, "forms list: no arguments");
	if (form_list(forms_dirs(cli, &dd), &forms, &n) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	for (i = 0; i < n; i++) {
		printf("%-18s v%-3d tasks ", form_id(forms[i]),
		    form_version(forms[i]));
		tasks = json_object_get(form_doc(forms[i]), "tasks");
		json_array_foreach(tasks, j, t)
			printf("%s%d", j ? "," : "", (int)json_integer_value(t));
		printf("  ");
		cli_put(stdout, form_title(forms[i], lang));
		printf("\n");
		form_free(forms[i]);
	}
	free(forms);
	datadir_close(dd);
	return 0;
}

static int
forms_check(int argc, char **argv)
{
	json_t	*problems, *p;
	size_t	 i;
	int	 a, bad = 0;

	if (argc < 2)
		return cli_usage(FORMS_SYNOPSIS, "forms check: name the files "
		    "to check");
	for (a = 1; a < argc; a++) {
		if (form_check(argv[a], &problems) == 0) {
			printf("%s: ok\n", argv[a]);
		} else {
			bad = 1;
			json_array_foreach(problems, i, p) {
				fputs("lantian: ", stderr);
				cli_put(stderr, json_string_value(p));
				fputc('\n', stderr);
			}
		}
		json_decref(problems);
	}
	return bad;
}

static void
forms_print_try(const struct form *f, const struct form_eval *ev)
{
	const char	*lang = cli_lang(), *key;
	json_t		*v;
	size_t		 i;
	char		*s;

	printf("form %s v%d (sha256 %s)\n", form_id(f), form_version(f),
	    form_sha256(f));
	printf("shown:");
	json_array_foreach(ev->relevant, i, v)
		printf(" %s", json_string_value(v));
	printf("\nmissing:");
	json_array_foreach(ev->missing, i, v)
		printf(" %s", json_string_value(v));
	if (json_array_size(ev->missing) == 0)
		printf(" none");
	printf("\nviolations:%s\n", json_array_size(ev->violations) == 0 ?
	    " none" : "");
	json_array_foreach(ev->violations, i, v) {
		printf("  %s: ", json_string_value(json_object_get(v,
		    "question")));
		cli_put(stdout, json_string_value(json_object_get(v,
		    "message")));
		printf("\n");
	}
	if (json_object_size(ev->values) > 0) {
		printf("calculated:\n");
		json_object_foreach(ev->values, key, v) {
			s = json_dumps(v, JSON_ENCODE_ANY |
			    JSON_REAL_PRECISION(15));
			printf("  %s = ", key);
			cli_put(stdout, s);
			printf("\n");
			free(s);
		}
	}
	printf("findings:%s\n", json_array_size(ev->findings) == 0 ?
	    " none" : "");
	json_array_foreach(ev->findings, i, v) {
		printf("  %s (task %d, %s): ", json_string_value(
		    json_object_get(v, "id")), (int)json_integer_value(
		    json_object_get(v, "task")), json_string_value(
		    json_object_get(v, "severity")));
		cli_put(stdout, record_text(json_object_get(v, "text"), lang));
		printf("\n    action: ");
		cli_put(stdout, record_text(json_object_get(v, "action"), lang));
		printf(" (within %d days)\n", (int)json_integer_value(
		    json_object_get(v, "deadline_days")));
	}
}

static int
forms_try(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "answers", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct form		*f = NULL;
	struct form_eval	 ev;
	const char		*answers_path = NULL;
	json_t			*answers = NULL, *out;
	int			 c, as_json = 0, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			answers_path = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		default:
			return cli_usage(FORMS_SYNOPSIS, "forms try: bad option");
		}
	}
	if (optind + 1 != argc || answers_path == NULL)
		return cli_usage(FORMS_SYNOPSIS, "forms try: needs one form "
		    "and --answers A.json");
	if (form_open(&f, argv[optind], forms_dirs(cli, &dd)) != 0 ||
	    cli_read_json(answers_path, &answers) != 0 ||
	    form_eval(f, answers, &ev) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (as_json) {
		out = json_pack("{s:O, s:O, s:O, s:O, s:O}",
		    "relevant", ev.relevant, "missing", ev.missing,
		    "violations", ev.violations, "values", ev.values,
		    "findings", ev.findings);
		cli_print_json(out);
		json_decref(out);
	} else
		forms_print_try(f, &ev);
	form_eval_clear(&ev);
	rc = 0;
cleanup:
	json_decref(answers);
	form_free(f);
	datadir_close(dd);
	return rc;
}

int
cmd_forms(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(FORMS_SYNOPSIS, "forms: which subcommand?");
	if (strcmp(argv[1], "list") == 0)
		return forms_list(cli, argc - 1);
	if (strcmp(argv[1], "check") == 0)
		return forms_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "try") == 0)
		return forms_try(cli, argc - 1, argv + 1);
	return cli_usage(FORMS_SYNOPSIS, "forms %s: unknown subcommand",
	    argv[1]);
}
