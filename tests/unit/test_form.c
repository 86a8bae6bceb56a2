#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/error.h"
#include "core/expr.h"
#include "core/form.h"
#include "core/util.h"
#include "testhelp.h"

/*
 * Form and answer JSON in these tests is written with ` for ", so that the
 * SQL inside reads as it would in a form file.
 */
#define TOP	"`id`: `t`, `version`: 1, `tasks`: [1, 2], " \
		"`title`: {`zh`: `测试`, `en`: `Test`}, " \
		"`site_kinds`: [`household`]"
#define LABEL	"`label`: {`zh`: `问`, `en`: `Q`}"
#define CH(v)	"{`value`: `" v "`, `label`: {`zh`: `" v "`, `en`: `" v "`}}"
#define TEXTS	"`text`: {`zh`: `文`, `en`: `Text`}, " \
		"`action`: {`zh`: `办`, `en`: `Act`}, `deadline_days`: 7"
#define FINDING(id, task, when) \
	"{`id`: `" id "`, `task`: " #task ", `severity`: `violation`, " \
	"`when`: `" when "`, " TEXTS "}"
#define FORM(questions, findings) \
	"{" TOP ", `questions`: [" questions "], `findings`: [" findings "]}"

#define SHA_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* One question of every type, and values seen the way expressions see them. */
#define ALL_TYPES FORM( \
	"{`id`: `info`, `type`: `note`, " LABEL "}," \
	"{`id`: `yn`, `type`: `yes_no`, `required`: true, " LABEL "}," \
	"{`id`: `pick`, `type`: `choice`, " LABEL ", `choices`: [" \
	    CH("a") "," CH("b") "," CH("c") "]}," \
	"{`id`: `many`, `type`: `multi`, " LABEL ", `choices`: [" \
	    CH("x") "," CH("y") "," CH("z") "]}," \
	"{`id`: `n`, `type`: `integer`, `min`: 0, `max`: 10, " LABEL "}," \
	"{`id`: `amount`, `type`: `decimal`, `min`: 0.5, `max`: 99.5, " \
	    LABEL "}," \
	"{`id`: `remark`, `type`: `text`, " LABEL "}," \
	"{`id`: `day`, `type`: `date`, " LABEL "}," \
	"{`id`: `picture`, `type`: `photo`, " LABEL "}," \
	"{`id`: `place`, `type`: `location`, " LABEL "}," \
	"{`id`: `total`, `type`: `calculate`, `calculation`: `n * amount`, " \
	    LABEL "}," \
	"{`id`: `seen`, `type`: `calculate`, `calculation`: " \
	    "`yn || '|' || pick || '|' || many || '|' || n || '|' || " \
	    "amount || '|' || typeof(amount) || '|' || remark || '|' || " \
	    "day || '|' || place || '|' || length(picture)`, " LABEL "}", \
	FINDING("y-picked", 1, "selected(many, 'y')"))

#define assert_contains(hay, needle) do {				\
	const char *hay_ = (hay);					\
	if (hay_ == NULL || strstr(hay_, (needle)) == NULL)		\
		fail_msg("\"%s\" does not contain \"%s\"",		\
		    hay_ != NULL ? hay_ : "(null)", (needle));		\
} while (0)

static char *
unbacktick(const char *s)
{
	char	*out = xstrdup(s), *p;

	for (p = out; *p != '\0'; p++) {
		if (*p == '`')
			*p = '"';
	}
	return out;
}

static int
setup(void **state)
{
	*state = th_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	th_rmrf(*state);
	free(*state);
	return 0;
}

/* Write text (` for ") as <tmp>/<name>; the caller frees the path. */
static char *
write_form(void **state, const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", (char *)*state, name);
	char	*json = unbacktick(text);

	th_write(path, json);
	free(json);
	return path;
}

static struct form *
load_ok(void **state, const char *text)
{
	struct form	*f = NULL;
	char		*path = write_form(state, "t.json", text);

	if (form_load(&f, path) != 0)
		fail_msg("form_load: %s", error_msg());
	free(path);
	return f;
}

/* Load a form that must fail; a copy of the message (caller frees). */
static char *
load_fail(void **state, const char *text)
{
	struct form	*f = NULL;
	char		*path = write_form(state, "t.json", text);
	int		 rc;

	rc = form_load(&f, path);
	assert_int_equal(rc, LT_EFORM);
	assert_null(f);
	free(path);
	return xstrdup(error_msg());
}

static int
eval(const struct form *f, const char *text, struct form_eval *ev)
{
	json_error_t	 jerr;
	char		*json = unbacktick(text);
	json_t		*answers;
	int		 rc;

	if ((answers = json_loads(json, 0, &jerr)) == NULL)
		fail_msg("bad test answers %s: %s", json, jerr.text);
	rc = form_eval(f, answers, ev);
	json_decref(answers);
	free(json);
	return rc;
}

static void
eval_ok(const struct form *f, const char *text, struct form_eval *ev)
{
	if (eval(f, text, ev) != 0)
		fail_msg("form_eval %s: %s", text, error_msg());
}

static int
has(const json_t *list, const char *s)
{
	const json_t	*v;
	size_t		 i;

	json_array_foreach(list, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

static const json_t *
fired(const struct form_eval *ev, const char *id)
{
	const json_t	*fd;
	size_t		 i;

	json_array_foreach(ev->findings, i, fd) {
		if (strcmp(json_string_value(json_object_get(fd, "id")), id) == 0)
			return fd;
	}
	return NULL;
}

static const char *
violation(const struct form_eval *ev, const char *question)
{
	const json_t	*v;
	size_t		 i;

	json_array_foreach(ev->violations, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "question")),
		    question) == 0)
			return json_string_value(json_object_get(v, "message"));
	}
	return NULL;
}

static const char *
text_answer(const struct form_eval *ev, const char *id)
{
	return json_string_value(json_object_get(ev->answers, id));
}

static void
test_shipped_forms_load_and_pass_check(void **state)
{
	static const char *const ids[] = { "boiler", "coal-ban" };
	/* coal-ban v2 takes the zone from the register ("default"). */
	static const int versions[] = { 1, 2 };
	static const char *const must[][6] = {
		{ "fuel", "capacity_tph", "fgr_valve", "auto_monitoring",
		  "low_nox", "nameplate_photo" },
		{ "in_ban_zone", "loose_coal", "coal_kg", "substituted",
		  "heating", "coal_photo" },
	};
	const char	*dirs[] = { th_forms_dir(), NULL }, *bytes;
	char		 sha[65], *path, *buf;
	struct form	*f;
	json_t		*problems;
	size_t		 i, j, len, blen;

	(void)state;
	for (i = 0; i < 2; i++) {
		path = xasprintf("%s/%s.json", th_forms_dir(), ids[i]);
		if (form_open(&f, ids[i], dirs) != 0)
			fail_msg("%s: %s", ids[i], error_msg());
		assert_string_equal(form_id(f), ids[i]);
		assert_int_equal(form_version(f), versions[i]);
		assert_string_equal(form_path(f), path);
		assert_int_equal(util_read_file(path, FORM_MAX_FILE, &buf,
		    &len), 0);
		util_sha256_hex(sha, buf, len);
		assert_string_equal(form_sha256(f), sha);
		bytes = form_bytes(f, &blen);
		assert_int_equal(blen, len);
		assert_memory_equal(bytes, buf, len);
		assert_non_null(form_title(f, "zh"));
		assert_string_not_equal(form_title(f, "zh"),
		    form_title(f, "en"));
		for (j = 0; j < 6; j++)
			assert_non_null(form_question(f, must[i][j]));
		assert_true(form_is_photo(f, must[i][5]));
		assert_false(form_is_photo(f, must[i][0]));
		assert_int_equal(form_check(path, &problems), 0);
		assert_int_equal(json_array_size(problems), 0);
		json_decref(problems);
		form_free(f);
		free(buf);
		free(path);
	}
}

static void
test_boiler_findings_fire_by_the_rules(void **state)
{
	const char		*dirs[] = { th_forms_dir(), NULL };
	const json_t		*fd;
	struct form		*f;
	struct form_eval	 ev;

	(void)state;
	assert_int_equal(form_open(&f, "boiler", dirs), 0);

	eval_ok(f, "{`fuel`: `coal`, `capacity_tph`: 20}", &ev);
	assert_non_null(fd = fired(&ev, "coal-le35"));
	assert_int_equal(json_integer_value(json_object_get(fd, "task")), 11);
	assert_string_equal(json_string_value(json_object_get(fd,
	    "severity")), "violation");
	assert_int_equal(json_integer_value(json_object_get(fd,
	    "deadline_days")), 30);
	assert_non_null(json_string_value(json_object_get(json_object_get(fd,
	    "text"), "zh")));
	assert_non_null(json_string_value(json_object_get(json_object_get(fd,
	    "action"), "en")));
	assert_true(has(ev.missing, "status"));
	form_eval_clear(&ev);

	eval_ok(f, "{`fuel`: `coal`, `capacity_tph`: 35, `status`: `sealed`}",
	    &ev);
	assert_non_null(fired(&ev, "coal-le35"));
	form_eval_clear(&ev);
	eval_ok(f, "{`fuel`: `coal`, `capacity_tph`: 40}", &ev);
	assert_null(fired(&ev, "coal-le35"));
	form_eval_clear(&ev);
	eval_ok(f, "{`fuel`: `coal`, `capacity_tph`: 20, `status`: "
	    "`removed`}", &ev);
	assert_null(fired(&ev, "coal-le35"));
	form_eval_clear(&ev);

	/* A coal boiler has no FGR valve: the answer is dropped. */
	eval_ok(f, "{`fuel`: `coal`, `capacity_tph`: 40, `fgr_valve`: "
	    "`manual`}", &ev);
	assert_null(json_object_get(ev.answers, "fgr_valve"));
	assert_false(has(ev.relevant, "fgr_valve"));
	assert_null(fired(&ev, "gas-fgr-manual"));
	form_eval_clear(&ev);

	eval_ok(f, "{`fuel`: `gas`, `use`: `heating`, `capacity_tph`: 2, "
	    "`status`: `running`, `low_nox`: true, `fgr_valve`: `manual`}",
	    &ev);
	assert_non_null(fired(&ev, "gas-fgr-manual"));
	assert_null(fired(&ev, "coal-le35"));
	assert_false(has(ev.relevant, "auto_monitoring"));
	assert_true(form_eval_ok(&ev));
	form_eval_clear(&ev);
	eval_ok(f, "{`fuel`: `gas`, `capacity_tph`: 2, `low_nox`: false, "
	    "`fgr_valve`: `lead_sealed`}", &ev);
	assert_null(fired(&ev, "gas-fgr-manual"));
	assert_non_null(fired(&ev, "gas-low-nox"));
	form_eval_clear(&ev);

	eval_ok(f, "{`fuel`: `gas`, `capacity_tph`: 12, `status`: `running`, "
	    "`auto_monitoring`: `installed`}", &ev);
	assert_non_null(fired(&ev, "monitoring-not-networked"));
	form_eval_clear(&ev);
	eval_ok(f, "{`fuel`: `gas`, `capacity_tph`: 12, `status`: `running`, "
	    "`auto_monitoring`: `networked`}", &ev);
	assert_null(fired(&ev, "monitoring-not-networked"));
	form_eval_clear(&ev);
	eval_ok(f, "{`fuel`: `biomass`, `capacity_tph`: 5, `status`: "
	    "`idle`, `biomass_treatment`: [`nox`, `dust`, `so2`]}", &ev);
	assert_non_null(fired(&ev, "monitoring-not-networked"));
	assert_true(has(ev.missing, "auto_monitoring"));
	assert_null(fired(&ev, "biomass-treatment"));
	form_eval_clear(&ev);
	eval_ok(f, "{`fuel`: `biomass`, `capacity_tph`: 3, "
	    "`biomass_treatment`: [`dust`]}", &ev);
	assert_null(fired(&ev, "monitoring-not-networked"));
	assert_non_null(fired(&ev, "biomass-treatment"));
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_coal_ban_findings_fire_by_the_rules(void **state)
{
	const char		*dirs[] = { th_forms_dir(), NULL };
	struct form		*f;
	struct form_eval	 ev;

	(void)state;
	assert_int_equal(form_open(&f, "coal-ban", dirs), 0);
	eval_ok(f, "{`in_ban_zone`: true, `loose_coal`: [`sale`], "
	    "`coal_kg`: 50, `substituted`: false, `heating`: `gas`}", &ev);
	assert_non_null(fired(&ev, "ban-zone-loose-coal"));
	assert_int_equal(json_integer_value(json_object_get(fired(&ev,
	    "ban-zone-loose-coal"), "task")), 3);
	assert_null(fired(&ev, "coal-reburn"));
	assert_true(form_eval_ok(&ev));
	form_eval_clear(&ev);

	eval_ok(f, "{`in_ban_zone`: false, `loose_coal`: [`sale`], "
	    "`coal_kg`: 50}", &ev);
	assert_null(fired(&ev, "ban-zone-loose-coal"));
	form_eval_clear(&ev);

	/* "none": no amount asked, so a stray amount is dropped. */
	eval_ok(f, "{`in_ban_zone`: true, `loose_coal`: [`none`], "
	    "`coal_kg`: 5, `substituted`: true, `heating`: `coal`}", &ev);
	assert_null(fired(&ev, "ban-zone-loose-coal"));
	assert_null(json_object_get(ev.answers, "coal_kg"));
	assert_non_null(fired(&ev, "coal-reburn"));
	assert_int_equal(json_integer_value(json_object_get(fired(&ev,
	    "coal-reburn"), "task")), 2);
	form_eval_clear(&ev);

	eval_ok(f, "{`in_ban_zone`: true, `loose_coal`: [`sale`, `none`], "
	    "`coal_kg`: 5, `heating`: `other`}", &ev);
	assert_contains(violation(&ev, "loose_coal"), "cannot go with");
	assert_true(has(ev.missing, "heating_other"));
	assert_true(has(ev.missing, "substituted"));
	assert_false(form_eval_ok(&ev));
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_every_type_takes_a_valid_answer(void **state)
{
	struct form		*f = load_ok(state, ALL_TYPES);
	struct form_eval	 ev;
	json_t			*many, *place;

	eval_ok(f, "{`yn`: true, `pick`: `b`, `many`: [`z`, `x`], `n`: 3, "
	    "`amount`: 2, `remark`: `ok`, `day`: `2023-06-30`, "
	    "`picture`: `" SHA_A "`, `place`: {`lat`: 35.1, `lon`: 112.5}, "
	    "`info`: null}", &ev);
	assert_true(json_is_true(json_object_get(ev.answers, "yn")));
	assert_string_equal(text_answer(&ev, "pick"), "b");
	many = json_object_get(ev.answers, "many");
	assert_int_equal(json_array_size(many), 2);
	assert_string_equal(json_string_value(json_array_get(many, 0)), "x");
	assert_string_equal(json_string_value(json_array_get(many, 1)), "z");
	assert_true(json_is_integer(json_object_get(ev.answers, "n")));
	assert_true(json_is_real(json_object_get(ev.answers, "amount")));
	assert_string_equal(text_answer(&ev, "day"), "2023-06-30");
	assert_string_equal(text_answer(&ev, "picture"), SHA_A);
	place = json_object_get(ev.answers, "place");
	assert_true(json_real_value(json_object_get(place, "lat")) == 35.1);
	assert_true(json_real_value(json_object_get(place, "lon")) == 112.5);
	assert_true(json_real_value(json_object_get(ev.values,
	    "total")) == 6.0);
	assert_string_equal(json_string_value(json_object_get(ev.values,
	    "seen")), "1|b|x z|3|2.0|real|ok|2023-06-30|35.1,112.5|64");
	assert_string_equal(text_answer(&ev, "seen"),
	    "1|b|x z|3|2.0|real|ok|2023-06-30|35.1,112.5|64");
	/* The note is shown, and stores nothing. */
	assert_true(has(ev.relevant, "info"));
	assert_null(json_object_get(ev.answers, "info"));
	assert_int_equal(json_array_size(ev.relevant), 12);
	assert_int_equal(json_object_size(ev.answers), 11);
	assert_null(fired(&ev, "y-picked"));
	assert_true(form_eval_ok(&ev));
	form_eval_clear(&ev);

	eval_ok(f, "{`yn`: false, `many`: [`y`], `place`: {`lat`: -90, "
	    "`lon`: 180}}", &ev);
	assert_true(json_is_false(json_object_get(ev.answers, "yn")));
	assert_non_null(fired(&ev, "y-picked"));
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_every_type_refuses_a_wrong_answer(void **state)
{
	static const struct {
		const char	*answers;
		const char	*message;
	} bad[] = {
		{ "{`yn`: 1}", "answer yn: expected true or false" },
		{ "{`yn`: `yes`}", "answer yn: expected true or false" },
		{ "{`pick`: `xyz`}",
		  "answer pick: \"xyz\" is not one of the choices (a, b, c)" },
		{ "{`pick`: 1}",
		  "answer pick: expected one of the choices (a, b, c)" },
		{ "{`many`: `x`}",
		  "answer many: expected an array of choices (x, y, z)" },
		{ "{`many`: [`x`, `w`]}",
		  "answer many: \"w\" is not one of the choices (x, y, z)" },
		{ "{`many`: [`x`, `x`]}", "answer many: \"x\" is given twice" },
		{ "{`n`: 1.5}", "answer n: expected a whole number" },
		{ "{`n`: `3`}", "answer n: expected a whole number" },
		{ "{`amount`: `2`}", "answer amount: expected a number" },
		{ "{`remark`: 5}", "answer remark: expected text" },
		{ "{`day`: `2023-02-30`}", "answer day: expected a date" },
		{ "{`day`: `30/06/2023`}", "answer day: expected a date" },
		{ "{`picture`: `abc`}", "answer picture: expected the photo's "
		  "SHA-256" },
		{ "{`picture`: `AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		  "AAAAAAAAAAAAAAA`}", "answer picture: expected the photo's" },
		{ "{`place`: {`lat`: 91, `lon`: 0}}", "answer place: expected "
		  "{\"lat\": -90..90, \"lon\": -180..180}" },
		{ "{`place`: {`lat`: 0, `lon`: -180.5}}", "answer place:" },
		{ "{`place`: {`lat`: 0}}", "answer place:" },
		{ "{`place`: {`lat`: 0, `lon`: 0, `alt`: 3}}", "answer place:" },
		{ "{`place`: `35,112`}", "answer place:" },
		{ "{`info`: `x`}", "answer info: a note takes no answer" },
		{ "{`total`: 5}",
		  "answer total: a calculated field takes no answer" },
		{ "{`nosuch`: 1}", "answer nosuch: no such question in form t" },
		{ "[]", "answers: expected a JSON object" },
	};
	struct form		*f = load_ok(state, ALL_TYPES);
	struct form_eval	 ev;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (eval(f, bad[i].answers, &ev) != LT_EANSWER)
			fail_msg("%s: accepted", bad[i].answers);
		assert_contains(error_msg(), bad[i].message);
		assert_null(ev.answers);
		assert_false(form_eval_ok(&ev));
	}
	form_free(f);
}

static void
test_null_empty_text_and_empty_multi_are_unanswered(void **state)
{
	struct form		*f = load_ok(state, FORM(
		"{`id`: `yn`, `type`: `yes_no`, `required`: true, " LABEL "},"
		"{`id`: `remark`, `type`: `text`, `required`: true, " LABEL "},"
		"{`id`: `many`, `type`: `multi`, `required`: true, " LABEL
		", `choices`: [" CH("x") "]}", ""));
	struct form_eval	 ev;

	eval_ok(f, "{`yn`: null, `remark`: ``, `many`: []}", &ev);
	assert_int_equal(json_object_size(ev.answers), 0);
	assert_true(has(ev.missing, "yn"));
	assert_true(has(ev.missing, "remark"));
	assert_true(has(ev.missing, "many"));
	assert_false(form_eval_ok(&ev));
	form_eval_clear(&ev);
	eval_ok(f, "{`yn`: false, `remark`: `r`, `many`: [`x`]}", &ev);
	assert_int_equal(json_array_size(ev.missing), 0);
	assert_true(form_eval_ok(&ev));
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_relevance_hides_a_later_question_and_makes_it_null(void **state)
{
	struct form		*f = load_ok(state, FORM(
		"{`id`: `gate`, `type`: `yes_no`, " LABEL "},"
		"{`id`: `detail`, `type`: `text`, `required`: true, "
		"`relevant`: `gate = 1`, " LABEL "},"
		"{`id`: `third`, `type`: `integer`, `required`: true, "
		"`relevant`: `detail = 'x'`, " LABEL "},"
		"{`id`: `shown`, `type`: `calculate`, "
		"`calculation`: `coalesce(detail, 'hidden')`, " LABEL "}",
		FINDING("detail-null", 1, "detail IS NULL AND third IS NULL") ","
		FINDING("detail-set", 2, "detail IS NOT NULL")));
	struct form_eval	 ev;

	eval_ok(f, "{`gate`: false, `detail`: `x`, `third`: 3}", &ev);
	assert_null(json_object_get(ev.answers, "detail"));
	assert_null(json_object_get(ev.answers, "third"));
	assert_false(has(ev.relevant, "detail"));
	assert_false(has(ev.relevant, "third"));
	assert_false(has(ev.missing, "detail"));
	assert_string_equal(text_answer(&ev, "shown"), "hidden");
	assert_non_null(fired(&ev, "detail-null"));
	assert_null(fired(&ev, "detail-set"));
	assert_true(form_eval_ok(&ev));
	form_eval_clear(&ev);

	eval_ok(f, "{`gate`: true, `detail`: `x`}", &ev);
	assert_string_equal(text_answer(&ev, "detail"), "x");
	assert_true(has(ev.missing, "third"));
	assert_string_equal(text_answer(&ev, "shown"), "x");
	assert_non_null(fired(&ev, "detail-set"));
	form_eval_clear(&ev);

	/* gate unanswered: its test is NULL, and NULL does not show. */
	eval_ok(f, "{}", &ev);
	assert_true(has(ev.relevant, "gate"));
	assert_false(has(ev.relevant, "detail"));
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_min_and_max_are_violations(void **state)
{
	struct form		*f = load_ok(state, ALL_TYPES);
	struct form_eval	 ev;

	eval_ok(f, "{`yn`: true, `n`: -1, `amount`: 100}", &ev);
	assert_string_equal(violation(&ev, "n"), "must be at least 0");
	assert_string_equal(violation(&ev, "amount"), "must be at most 99.5");
	assert_false(form_eval_ok(&ev));
	form_eval_clear(&ev);
	eval_ok(f, "{`yn`: true, `n`: 11, `amount`: 0.25}", &ev);
	assert_string_equal(violation(&ev, "n"), "must be at most 10");
	assert_string_equal(violation(&ev, "amount"), "must be at least 0.5");
	form_eval_clear(&ev);
	eval_ok(f, "{`yn`: true, `n`: 10, `amount`: 0.5}", &ev);
	assert_int_equal(json_array_size(ev.violations), 0);
	assert_true(form_eval_ok(&ev));
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_constraint_uses_its_message_and_null_passes(void **state)
{
	struct form		*f = load_ok(state, FORM(
		"{`id`: `lo`, `type`: `integer`, " LABEL "},"
		"{`id`: `hi`, `type`: `integer`, `constraint`: `hi > lo`, "
		"`constraint_message`: {`zh`: `须大于下限`, "
		"`en`: `must be above lo`}, " LABEL "},"
		"{`id`: `day`, `type`: `date`, "
		"`constraint`: `day >= '2023-01-01'`, " LABEL "}", ""));
	struct form_eval	 ev;

	eval_ok(f, "{`lo`: 5, `hi`: 3, `day`: `2022-12-31`}", &ev);
	assert_string_equal(violation(&ev, "hi"), "must be above lo");
	assert_string_equal(violation(&ev, "day"),
	    "does not satisfy \"day >= '2023-01-01'\"");
	form_eval_clear(&ev);
	eval_ok(f, "{`lo`: 5, `hi`: 6, `day`: `2023-01-01`}", &ev);
	assert_int_equal(json_array_size(ev.violations), 0);
	form_eval_clear(&ev);
	/* lo unanswered: hi > NULL is NULL, which passes. */
	eval_ok(f, "{`hi`: 3}", &ev);
	assert_int_equal(json_array_size(ev.violations), 0);
	form_eval_clear(&ev);
	form_free(f);
}

static void
test_calculate_stores_values_and_skips_null(void **state)
{
	struct form		*f = load_ok(state, FORM(
		"{`id`: `a`, `type`: `integer`, " LABEL "},"
		"{`id`: `b`, `type`: `integer`, " LABEL "},"
		"{`id`: `sum`, `type`: `calculate`, `calculation`: `a + b`, "
		LABEL "},"
		"{`id`: `size`, `type`: `calculate`, `calculation`: "
		"`iif(sum > 10, 'big', 'small')`, " LABEL "},"
		"{`id`: `hidden`, `type`: `calculate`, `relevant`: `a > 100`, "
		"`calculation`: `a`, " LABEL "},"
		"{`id`: `huge`, `type`: `calculate`, `relevant`: `a = 99`, "
		"`calculation`: `1e308 * 10`, " LABEL "}",
		FINDING("big", 1, "size = 'big'")));
	struct form_eval	 ev;

	eval_ok(f, "{`a`: 5, `b`: 7}", &ev);
	assert_int_equal(json_integer_value(json_object_get(ev.answers,
	    "sum")), 12);
	assert_int_equal(json_integer_value(json_object_get(ev.values,
	    "sum")), 12);
	assert_string_equal(json_string_value(json_object_get(ev.values,
	    "size")), "big");
	assert_null(json_object_get(ev.values, "hidden"));
	assert_false(has(ev.relevant, "hidden"));
	assert_non_null(fired(&ev, "big"));
	form_eval_clear(&ev);

	eval_ok(f, "{`a`: 5}", &ev);
	assert_null(json_object_get(ev.answers, "sum"));
	assert_null(json_object_get(ev.values, "sum"));
	assert_true(has(ev.relevant, "sum"));
	assert_string_equal(text_answer(&ev, "size"), "small");
	form_eval_clear(&ev);

	assert_int_equal(eval(f, "{`a`: 99}", &ev), LT_EFORM);
	assert_contains(error_msg(), "question huge: calculation \"1e308 * "
	    "10\": the result is not a finite number");
	form_free(f);
}

static void
test_selected_matches_whole_words(void **state)
{
	static const struct {
		const char	*field, *value;
		int		 want;
	} cases[] = {
		{ "x y z", "y", 1 }, { "y", "y", 1 }, { "x y z", "z", 1 },
		{ "x y z", "x y", 0 }, { "xy", "x", 0 }, { "x y", "", 0 },
		{ NULL, "x", 0 }, { "x", NULL, 0 },
	};
	const char		*cols[] = { "a", "b" };
	struct expr_env		*env;
	struct expr		*e;
	struct expr_value	 in[2], out;
	size_t			 i;

	(void)state;
	assert_int_equal(expr_env_open(&env), 0);
	assert_int_equal(expr_compile(env, &e, "selected(a, b)", cols, 2), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(in, 0, sizeof in);
		in[0].type = cases[i].field != NULL ? EXPR_TEXT : EXPR_NULL;
		in[0].s = (char *)cases[i].field;
		in[1].type = cases[i].value != NULL ? EXPR_TEXT : EXPR_NULL;
		in[1].s = (char *)cases[i].value;
		assert_int_equal(expr_eval(e, in, 2, &out), 0);
		assert_int_equal(out.type, EXPR_INT);
		if (out.i != cases[i].want)
			fail_msg("selected('%s', '%s') = %d", cases[i].field,
			    cases[i].value, (int)out.i);
	}
	expr_free(e);
	expr_env_free(env);
}

static void
test_expr_values_truth_and_hidden_clock(void **state)
{
	const char		*cols[] = { "a" };
	struct expr_env		*env;
	struct expr		*e, *b, *jd;
	struct expr_value	 in, out;
	int			 truth;

	(void)state;
	assert_int_equal(expr_env_open(&env), 0);
	assert_int_equal(expr_compile(env, &e, "a", cols, 1), 0);
	assert_int_equal(expr_compile(env, &b, "a", cols, 1), 0);
	assert_int_equal(expr_columns(e), 1);
	assert_string_equal(expr_text(e), "a");

	memset(&in, 0, sizeof in);
	in.type = EXPR_REAL;
	in.r = 2.5;
	assert_int_equal(expr_eval(e, &in, 1, &out), 0);
	assert_int_equal(out.type, EXPR_REAL);
	assert_true(out.r == 2.5);
	assert_int_equal(expr_eval_bool(b, &in, 1, &truth), 0);
	assert_int_equal(truth, 1);
	in.r = 0;
	assert_int_equal(expr_eval_bool(b, &in, 1, &truth), 0);
	assert_int_equal(truth, 0);
	/* SQLite's truth of text: its numeric prefix. */
	in.type = EXPR_TEXT;
	in.s = "1x";
	assert_int_equal(expr_eval_bool(b, &in, 1, &truth), 0);
	assert_int_equal(truth, 1);
	in.s = "yes";
	assert_int_equal(expr_eval_bool(b, &in, 1, &truth), 0);
	assert_int_equal(truth, 0);
	assert_int_equal(expr_eval(e, &in, 1, &out), 0);
	assert_int_equal(out.type, EXPR_TEXT);
	assert_string_equal(out.s, "yes");
	expr_value_clear(&out);
	assert_int_equal(out.type, EXPR_NULL);
	/* Too few values: the rest are NULL. */
	assert_int_equal(expr_eval_bool(b, NULL, 0, &truth), 0);
	assert_int_equal(truth, -1);

	/* 'now' reached through an answer finds no clock. */
	assert_int_equal(expr_compile(env, &jd, "julianday(a)", cols, 1), 0);
	in.s = "now";
	assert_int_equal(expr_eval(jd, &in, 1, &out), 0);
	assert_int_equal(out.type, EXPR_NULL);
	in.s = "2023-01-01";
	assert_int_equal(expr_eval(jd, &in, 1, &out), 0);
	assert_int_equal(out.type, EXPR_REAL);
	assert_true(out.r == 2459945.5);
	expr_free(jd);
	expr_free(b);
	expr_free(e);
	expr_env_free(env);
}

static void
test_load_fails_on_unknown_or_later_field(void **state)
{
	char	*msg, *want;

	msg = load_fail(state, FORM(
		"{`id`: `fuel`, `type`: `text`, " LABEL "},"
		"{`id`: `capacity_tph`, `type`: `decimal`, "
		"`relevant`: `fuell IS NOT NULL`, " LABEL "}", ""));
	want = xasprintf("%s/t.json: question capacity_tph: relevant "
	    "\"fuell IS NOT NULL\": no such column: fuell (unknown field, or "
	    "one that comes later)", (char *)*state);
	assert_string_equal(msg, want);
	free(want);
	free(msg);

	msg = load_fail(state, FORM(
		"{`id`: `capacity_tph`, `type`: `decimal`, "
		"`relevant`: `fuel = 'coal'`, " LABEL "},"
		"{`id`: `fuel`, `type`: `text`, " LABEL "}", ""));
	assert_contains(msg, "question capacity_tph: relevant \"fuel = "
	    "'coal'\": no such column: fuel (unknown field, or one that comes "
	    "later)");
	free(msg);

	/* A calculation sees only earlier questions, not itself. */
	msg = load_fail(state, FORM(
		"{`id`: `c`, `type`: `calculate`, `calculation`: `c + 1`, "
		LABEL "}", ""));
	assert_contains(msg, "question c: calculation \"c + 1\": no such "
	    "column: c");
	free(msg);

	/* A constraint sees itself; a finding sees everything. */
	form_free(load_ok(state, FORM(
		"{`id`: `a`, `type`: `integer`, `constraint`: `a > 0`, "
		LABEL "},"
		"{`id`: `b`, `type`: `integer`, " LABEL "}",
		FINDING("f", 1, "a > b"))));
	msg = load_fail(state, FORM(
		"{`id`: `a`, `type`: `integer`, `constraint`: `a > b`, "
		LABEL "},"
		"{`id`: `b`, `type`: `integer`, " LABEL "}", ""));
	assert_contains(msg, "question a: constraint \"a > b\": no such "
	    "column: b");
	free(msg);
	msg = load_fail(state, FORM(
		"{`id`: `a`, `type`: `integer`, " LABEL "}",
		FINDING("coal-le35", 1, "z > 1")));
	assert_contains(msg, "finding coal-le35: when \"z > 1\": no such "
	    "column: z");
	free(msg);
}

/* Compile text seeing fuel and capacity_tph; must fail with why. */
static void
refused(struct expr_env *env, const char *text, const char *why)
{
	const char	*cols[] = { "fuel", "capacity_tph" };
	struct expr	*e = NULL;

	if (expr_compile(env, &e, text, cols, 2) != LT_EFORM)
		fail_msg("allowed: %s", text);
	assert_null(e);
	assert_contains(error_msg(), why);
}

static void
test_sandbox_refuses_functions_tables_and_injection(void **state)
{
	static const struct {
		const char	*text, *why;
	} bad[] = {
		{ "nosuch(1)", "no such function: nosuch" },
		{ "load_extension('x')", "function not allowed: load_extension" },
		{ "printf('%d', 1)", "function not allowed: printf" },
		{ "random() > 0", "function not allowed: random" },
		{ "CURRENT_TIMESTAMP", "function not allowed: current_timestamp" },
		{ "fuel -> '$.a'", "function not allowed: ->" },
		{ "(SELECT name FROM sqlite_master)",
		  "not allowed: reads table sqlite_master" },
		{ "EXISTS (SELECT 1 FROM sqlite_temp_master)",
		  "not allowed: reads table sqlite_temp_master" },
		{ "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
		  "FROM c) SELECT 1 FROM c LIMIT 1)", "not allowed: reads "
		  "table c" },
		{ "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
		  "FROM c) SELECT max(x) FROM c)", "not allowed: recursive "
		  "query" },
		{ "(SELECT value FROM json_each('[1]'))",
		  "not allowed: tables and table-valued functions" },
		{ "(SELECT 1 FROM pragma_table_info('x'))",
		  "not allowed: tables and table-valued functions" },
		{ "1); DROP TABLE x; --", "unbalanced parentheses" },
		{ "1) FROM (SELECT 1", "unbalanced parentheses" },
		{ "(1", "unbalanced parentheses" },
		{ "1; SELECT 2", "';' is not allowed" },
		{ "1 -- and the rest", "comments are not allowed" },
		{ "1 /* x */", "comments are not allowed" },
		{ "?1 = 1", "parameters are not allowed" },
		{ ":fuel = 1", "parameters are not allowed" },
		{ "@fuel", "parameters are not allowed" },
		{ "$fuel", "parameters are not allowed" },
		{ "date('now')", "'now' is not allowed" },
		{ "julianday('NOW')", "'now' is not allowed" },
		{ "date('2023-01-01', 'localtime')", "'localtime' is not allowed" },
		{ "fuel = 'coal", "unterminated quote" },
		{ "\"gas\" = fuel", "no such column: gas" },
		{ "1 UNION SELECT 2", "syntax error" },
		{ "", "empty expression" },
		{ "  ", "empty expression" },
		{ "x'00' || capacity_tph = fuell", "no such column: fuell" },
	};
	static const char *const good[] = {
		"fuel = 'a;b--c/*d'", "[fuel] = `fuel`", "\"fuel\" IS NULL",
		"coalesce(fuel, 'none') IN ('coal', 'gas')",
		"abs(capacity_tph) + max(capacity_tph, 1) + round(1.5)",
		"lower(upper(trim(ltrim(rtrim(substr(substring(replace(fuel, "
		"'a', 'b'), 1), 1))))))", "instr(fuel, 'c') > 0",
		"typeof(fuel) = 'text' AND length(fuel) < 10",
		"fuel LIKE 'c%' OR fuel GLOB 'g*' OR like('x', fuel)",
		"iif(nullif(fuel, 'x') IS NULL, 1, ifnull(fuel, 0))",
		"date('2023-06-30', '+1 day') > '2023-06-30'",
		"julianday('2023-07-01') - julianday('2023-06-30') = 1",
		"(SELECT max(column1) FROM (VALUES (1), (2)))",
		"CASE WHEN fuel = 'coal' THEN 1 ELSE 0 END",
		"CAST(capacity_tph AS INTEGER) BETWEEN 1 AND 35",
		"selected(fuel, 'coal')",
	};
	const char	*cols[] = { "fuel", "capacity_tph" };
	struct expr_env	*env;
	struct expr	*e;
	char		 long_text[EXPR_MAX_TEXT + 10];
	size_t		 i;

	(void)state;
	assert_int_equal(expr_env_open(&env), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(env, bad[i].text, bad[i].why);
	memset(long_text, '1', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	refused(env, long_text, "longer than");
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (expr_compile(env, &e, good[i], cols, 2) != 0)
			fail_msg("refused %s: %s", good[i], error_msg());
		expr_free(e);
	}
	expr_env_free(env);
}

static void
test_load_names_form_question_and_expression_kind(void **state)
{
	char	*msg;

	msg = load_fail(state, FORM("{`id`: `fuel`, `type`: `text`, " LABEL
	    "}", FINDING("coal-le35", 1, "load_extension('x') IS NULL")));
	assert_contains(msg, "/t.json: finding coal-le35: when "
	    "\"load_extension('x') IS NULL\": function not allowed: "
	    "load_extension");
	free(msg);
	msg = load_fail(state, FORM("{`id`: `fuel`, `type`: `text`, "
	    "`relevant`: `(SELECT name FROM sqlite_master) IS NULL`, " LABEL
	    "}", ""));
	assert_contains(msg, "/t.json: question fuel: relevant \"(SELECT name "
	    "FROM sqlite_master) IS NULL\": not allowed: reads table "
	    "sqlite_master");
	free(msg);
	msg = load_fail(state, FORM("{`id`: `fuel`, `type`: `text`, " LABEL
	    "}, {`id`: `x`, `type`: `text`, `relevant`: "
	    "`1); DROP TABLE x; --`, " LABEL "}", ""));
	assert_contains(msg, "question x: relevant \"1); DROP TABLE x; --\": "
	    "unbalanced parentheses");
	free(msg);
}

static void
test_progress_handler_stops_a_runaway(void **state)
{
#define V10 "(VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10))"
	/* 10^6 rows of a join of constant tables: the sandbox allows it. */
	struct form		*f = load_ok(state, FORM(
		"{`id`: `go`, `type`: `yes_no`, " LABEL "}",
		FINDING("runaway", 1, "CASE WHEN go = 1 THEN (SELECT "
		    "max(a.column1 + b.column1 + c.column1 + d.column1 + "
		    "e.column1 + f.column1) FROM " V10 " a, " V10 " b, " V10
		    " c, " V10 " d, " V10 " e, " V10 " f) > 0 END")));
	const char		*cols[] = { "a" };
	struct expr_env		*env;
	struct expr		*e;
	struct expr_value	 out;
	struct form_eval	 ev;

	assert_int_equal(eval(f, "{`go`: true}", &ev), LT_EFORM);
	assert_contains(error_msg(), "finding runaway: when \"CASE WHEN go");
	assert_contains(error_msg(), "expression too expensive");
	assert_null(ev.answers);
	/* The form is still usable; the budget is per evaluation. */
	eval_ok(f, "{`go`: false}", &ev);
	assert_null(fired(&ev, "runaway"));
	form_eval_clear(&ev);
	form_free(f);

	/* The budget is what stops it: a small one stops a small join. */
	assert_int_equal(expr_env_open(&env), 0);
	assert_int_equal(expr_compile(env, &e, "(SELECT count(*) FROM " V10
	    " a, " V10 " b)", cols, 1), LT_EFORM);
	assert_int_equal(expr_compile(env, &e, "(SELECT max(a.column1 * "
	    "b.column1 * c.column1) FROM " V10 " a, " V10 " b, " V10 " c)",
	    cols, 1), 0);
	assert_int_equal(expr_eval(e, NULL, 0, &out), 0);
	assert_int_equal(out.i, 1000);
	expr_env_set_budget(env, 2000);
	assert_int_equal(expr_eval(e, NULL, 0, &out), LT_EFORM);
	assert_contains(error_msg(), "too expensive");
	expr_env_set_budget(env, 0);
	assert_int_equal(expr_eval(e, NULL, 0, &out), 0);
	expr_free(e);
	expr_env_free(env);
#undef V10
}

static void
test_form_check_lists_every_problem(void **state)
{
	static const char *const want[] = {
		"unknown key \"titel\"",
		"question fuel: type: expected one of",
		"question fuel2: choices[1]: value \"coal\" is offered twice",
		"question capacity_tph: unknown key \"requird\"",
		"question capacity_tph: relevant \"fuell > 0\": no such column",
		"finding coal-le35: task: 12 is not among the form's tasks",
		"finding coal-le35: severity: expected violation, warning or "
		"note",
		"finding coal-le35: when \"zeroblob(1)\": function not allowed",
	};
	char		*path, *first;
	struct form	*f;
	json_t		*problems;
	size_t		 i;

	path = write_form(state, "many.json", "{" TOP ", `titel`: `x`, "
	    "`questions`: ["
	    "{`id`: `fuel`, `type`: `choise`, " LABEL "},"
	    "{`id`: `fuel2`, `type`: `choice`, " LABEL ", `choices`: ["
	    CH("coal") "," CH("coal") "]},"
	    "{`id`: `capacity_tph`, `type`: `decimal`, `requird`: true, "
	    "`relevant`: `fuell > 0`, " LABEL "}], `findings`: ["
	    "{`id`: `coal-le35`, `task`: 12, `severity`: `bad`, "
	    "`when`: `zeroblob(1)`, " TEXTS "}]}");
	assert_int_equal(form_check(path, &problems), LT_EFORM);
	first = xstrdup(error_msg());
	if (json_array_size(problems) != sizeof want / sizeof want[0])
		fail_msg("%zu problems: %s", json_array_size(problems),
		    json_dumps(problems, 0));
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		const char *p = json_string_value(json_array_get(problems, i));

		assert_contains(p, path);
		assert_contains(p, want[i]);
	}
	/* form_load stops at the same first problem. */
	assert_string_equal(first, json_string_value(json_array_get(problems,
	    0)));
	assert_int_equal(form_load(&f, path), LT_EFORM);
	assert_string_equal(error_msg(), first);
	json_decref(problems);
	free(first);

	assert_int_equal(form_check("/nonexistent/form.json", &problems),
	    LT_ENOTFOUND);
	assert_int_equal(json_array_size(problems), 1);
	json_decref(problems);
	free(path);
}

static void
test_form_structure_problems_are_named(void **state)
{
	static const struct {
		const char	*form, *why;
	} bad[] = {
		{ "[]", "expected a JSON object" },
		{ "{`id`: `t`,", "line 1 column" },
		{ "{`id`: `t`, `id`: `u`}", "duplicate object key" },
		{ FORM("{`id`: `Fuel`, `type`: `text`, " LABEL "}", ""),
		  "questions[0]: id \"Fuel\": must match [a-z_][a-z0-9_]*" },
		{ FORM("{`id`: `order`, `type`: `text`, " LABEL "}", ""),
		  "not be an SQL keyword" },
		{ FORM("{`id`: `true`, `type`: `text`, " LABEL "}", ""),
		  "not be an SQL keyword" },
		{ FORM("{`id`: `a`, `type`: `text`, " LABEL "},"
		  "{`id`: `a`, `type`: `text`, " LABEL "}", ""),
		  "question a: id used twice" },
		{ FORM("{`id`: `a`, `type`: `text`, `min`: 1, " LABEL "}", ""),
		  "question a: min: not for a text question" },
		{ FORM("{`id`: `a`, `type`: `note`, `required`: true, " LABEL
		  "}", ""), "question a: required: not for a note question" },
		{ FORM("{`id`: `a`, `type`: `choice`, " LABEL "}", ""),
		  "question a: choices: expected a non-empty array" },
		{ FORM("{`id`: `a`, `type`: `multi`, " LABEL ", `choices`: ["
		  CH("A") "]}", ""), "choices[0]: value: must match [a-z0-9_]+" },
		{ FORM("{`id`: `a`, `type`: `text`, "
		  "`label`: {`zh`: `问`}}", ""), "question a: label: en: missing" },
		{ FORM("{`id`: `a`, `type`: `text`}", ""),
		  "question a: label: missing" },
		{ FORM("{`id`: `a`, `type`: `text`, " LABEL ", `hint`: "
		  "{`zh`: `x`, `en`: `x`, `fr`: `x`}}", ""),
		  "hint: unknown language \"fr\"" },
		{ FORM("{`id`: `a`, `type`: `integer`, `min`: 5, `max`: 1, "
		  LABEL "}", ""), "question a: min is greater than max" },
		{ FORM("{`id`: `a`, `type`: `integer`, `min`: 0.5, " LABEL "}",
		  ""), "question a: min: expected a whole number" },
		{ FORM("{`id`: `a`, `type`: `calculate`, " LABEL "}", ""),
		  "question a: calculation: missing" },
		{ FORM("{`id`: `a`, `type`: `text`, `constraint_message`: "
		  "{`zh`: `x`, `en`: `x`}, " LABEL "}", ""),
		  "constraint_message without constraint" },
		{ FORM("{`id`: `a`, `type`: `text`, `relevant`: true, " LABEL
		  "}", ""), "relevant: expected an expression (string)" },
		{ FORM("{`id`: `a`, `type`: `text`, `required`: 1, " LABEL "}",
		  ""), "required: expected true or false" },
		{ FORM("{`id`: `a`, `type`: `text`, " LABEL "}",
		  "{`id`: `f`, `task`: 1, `severity`: `violation`, " TEXTS "}"),
		  "finding f: when: missing" },
		{ FORM("{`id`: `a`, `type`: `text`, " LABEL "}",
		  FINDING("f", 1, "1") "," FINDING("f", 2, "1")),
		  "finding f: id used twice" },
		{ FORM("{`id`: `a`, `type`: `text`, " LABEL "}",
		  "{`id`: `f`, `task`: 1, `severity`: `violation`, `when`: `1`, "
		  "`text`: {`zh`: `x`, `en`: `x`}, `action`: {`zh`: `x`, `en`: "
		  "`x`}, `deadline_days`: -1}"), "finding f: deadline_days" },
		{ "{`id`: `T`, `version`: 0, `tasks`: [0], `title`: `x`, "
		  "`site_kinds`: [], `questions`: []}", "id: must match" },
		{ "{`id`: `t`, `version`: 0, `tasks`: [1], `title`: `x`, "
		  "`site_kinds`: [], `questions`: []}", "version: expected a "
		  "positive whole number" },
		{ "{`id`: `t`, `version`: 1, `tasks`: [0], `title`: `x`, "
		  "`site_kinds`: [], `questions`: []}", "tasks[0]: expected" },
		{ "{`id`: `t`, `version`: 1, `tasks`: [1], `title`: `x`, "
		  "`site_kinds`: [], `questions`: []}", "title: expected" },
		{ "{`id`: `t`, `version`: 1, `tasks`: [1], `title`: `x`, "
		  "`site_kinds`: [], `questions`: []}", "site_kinds: expected" },
		{ "{`id`: `t`, `version`: 1, `tasks`: [1], `title`: `x`, "
		  "`site_kinds`: [], `questions`: []}", "questions: expected a "
		  "non-empty array" },
	};
	json_t	*problems;
	char	*path, *all;
	size_t	 i, j;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		path = write_form(state, "t.json", bad[i].form);
		if (form_check(path, &problems) != LT_EFORM)
			fail_msg("accepted: %s", bad[i].form);
		for (j = 0; j < json_array_size(problems); j++) {
			if (strstr(json_string_value(json_array_get(problems,
			    j)), bad[i].why) != NULL)
				break;
		}
		if (j == json_array_size(problems)) {
			all = json_dumps(problems, JSON_INDENT(1));
			fail_msg("no \"%s\" in %s", bad[i].why, all);
		}
		json_decref(problems);
		free(path);
	}
}

static void
test_form_open_by_id_and_by_path(void **state)
{
	char		*a = xasprintf("%s/a", (char *)*state);
	char		*b = xasprintf("%s/b", (char *)*state);
	const char	*dirs[] = { a, b, NULL };
	struct form	*f;
	char		*path;

	assert_int_equal(util_mkdir_p(a, 0700), 0);
	assert_int_equal(util_mkdir_p(b, 0700), 0);
	free(write_form(state, "b/x.json", "{`id`: `x`, `version`: 1, "
	    "`tasks`: [1], `title`: {`zh`: `甲`, `en`: `X`}, `site_kinds`: "
	    "[`shop`], `questions`: [{`id`: `q`, `type`: `note`, " LABEL
	    "}]}"));
	path = xasprintf("%s/x.json", b);

	assert_int_equal(form_open(&f, "x", dirs), 0);
	assert_string_equal(form_path(f), path);
	assert_string_equal(form_title(f, "zh"), "甲");
	assert_string_equal(form_title(f, "en"), "X");
	assert_string_equal(form_title(f, "fr"), "甲");
	form_free(f);
	assert_int_equal(form_open(&f, path, NULL), 0);
	assert_string_equal(form_id(f), "x");
	form_free(f);

	assert_int_equal(form_open(&f, "y", dirs), LT_ENOTFOUND);
	assert_null(f);
	assert_contains(error_msg(), "form y: not found");
	assert_contains(error_msg(), b);
	assert_int_equal(form_open(&f, "y", NULL), LT_ENOTFOUND);
	assert_int_equal(form_open(&f, "Bad Id", dirs), LT_EINVAL);
	assert_int_equal(form_open(&f, "../b/x", dirs), LT_ENOTFOUND);

	/* The first directory wins; its <id>.json must be that form. */
	free(write_form(state, "a/x.json", "{`id`: `z`, `version`: 2, "
	    "`tasks`: [1], `title`: {`zh`: `乙`, `en`: `Z`}, `site_kinds`: "
	    "[`shop`], `questions`: [{`id`: `q`, `type`: `note`, " LABEL
	    "}]}"));
	assert_int_equal(form_open(&f, "x", dirs), LT_EFORM);
	assert_null(f);
	assert_contains(error_msg(), "its id is \"z\", not \"x\"");
	free(path);
	free(a);
	free(b);
}

static void
test_form_list_one_per_id_first_dir_wins(void **state)
{
	char		*a = xasprintf("%s/a", (char *)*state);
	char		*b = xasprintf("%s/b", (char *)*state);
	char		*none = xasprintf("%s/none", (char *)*state);
	const char	*dirs[] = { none, a, b, NULL };
	struct form	**list;
	size_t		  n;

#define SMALL(id, v) "{`id`: `" id "`, `version`: " #v ", `tasks`: [1], " \
	"`title`: {`zh`: `表`, `en`: `F`}, `site_kinds`: [`shop`], " \
	"`questions`: [{`id`: `q`, `type`: `note`, " LABEL "}]}"
	assert_int_equal(util_mkdir_p(a, 0700), 0);
	assert_int_equal(util_mkdir_p(b, 0700), 0);
	free(write_form(state, "a/beta.json", SMALL("beta", 1)));
	free(write_form(state, "a/alpha.json", SMALL("alpha", 1)));
	free(write_form(state, "a/broken.json", "{"));
	free(write_form(state, "a/misnamed.json", SMALL("gamma", 9)));
	free(write_form(state, "a/readme.txt", "not a form"));
	free(write_form(state, "b/alpha.json", SMALL("alpha", 2)));
	free(write_form(state, "b/gamma.json", SMALL("gamma", 1)));
#undef SMALL

	assert_int_equal(form_list(dirs, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(form_id(list[0]), "alpha");
	assert_int_equal(form_version(list[0]), 1);
	assert_string_equal(form_id(list[1]), "beta");
	assert_string_equal(form_id(list[2]), "gamma");
	assert_int_equal(form_version(list[2]), 1);
	form_list_free(list, n);

	assert_int_equal(form_list(NULL, &list, &n), 0);
	assert_int_equal(n, 0);
	form_list_free(list, n);
	free(a);
	free(b);
	free(none);
}

static void
test_form_load_buf_keeps_name_and_bytes(void **state)
{
	static const char	 body[] = "{\"id\": \"m\", \"version\": 7, "
	    "\"tasks\": [], \"title\": {\"zh\": \"z\", \"en\": \"e\"}, "
	    "\"site_kinds\": [\"shop\"], \"questions\": [{\"id\": \"q\", "
	    "\"type\": \"note\", \"label\": {\"zh\": \"z\", \"en\": \"e\"}}]}";
	struct form		*f;
	char			 sha[65], *big;
	size_t			 len;

	(void)state;
	assert_int_equal(form_load_buf(&f, "memory", body, sizeof body - 1),
	    0);
	assert_string_equal(form_path(f), "memory");
	assert_int_equal(form_version(f), 7);
	util_sha256_hex(sha, body, sizeof body - 1);
	assert_string_equal(form_sha256(f), sha);
	assert_string_equal(form_bytes(f, &len), body);
	assert_int_equal(len, sizeof body - 1);
	assert_non_null(form_doc(f));
	assert_null(form_question(f, "nosuch"));
	form_free(f);

	big = xmalloc(FORM_MAX_FILE + 2);
	memset(big, ' ', FORM_MAX_FILE + 1);
	big[FORM_MAX_FILE + 1] = '\0';
	assert_int_not_equal(form_load_buf(&f, "big", big, FORM_MAX_FILE + 1),
	    0);
	assert_contains(error_msg(), "big: larger than");
	free(big);
}

/* The forms under tests/data/forms, which the CLI tests use too. */
static void
test_shipped_test_data_forms_behave_as_named(void **state)
{
	static const struct {
		const char	*file, *why;
	} files[] = {
		{ "all-types.json", NULL },
		{ "bad-unknown-field.json", "question capacity_tph: relevant "
		  "\"fuell IS NOT NULL\": no such column: fuell" },
		{ "bad-later-field.json", "no such column: fuel (unknown "
		  "field, or one that comes later)" },
		{ "bad-function.json", "function not allowed: load_extension" },
		{ "bad-forbidden.json", "not allowed: reads table sqlite_master" },
		{ "bad-injection.json", "unbalanced parentheses" },
		{ "bad-json.json", "line 4" },
		{ "bad-many.json", "unknown key \"titel\"" },
	};
	const char	*data = getenv("TESTDATA");
	const char	*dirs[2] = { NULL, NULL };
	struct form	*f;
	json_t		*problems;
	char		*dir, *path;
	size_t		 i;

	(void)state;
	dir = xasprintf("%s/forms", data != NULL ? data : SRCDIR "/tests/data");
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		path = xasprintf("%s/%s", dir, files[i].file);
		if (files[i].why == NULL) {
			if (form_check(path, &problems) != 0)
				fail_msg("%s: %s", path, error_msg());
		} else {
			assert_int_equal(form_check(path, &problems), LT_EFORM);
			assert_contains(json_string_value(json_array_get(
			    problems, 0)), files[i].why);
		}
		json_decref(problems);
		free(path);
	}
	assert_int_equal(form_check(path = xasprintf("%s/bad-many.json", dir),
	    &problems), LT_EFORM);
	assert_true(json_array_size(problems) >= 6);
	json_decref(problems);
	free(path);

	dirs[0] = dir;
	assert_int_equal(form_open(&f, "all-types", dirs), 0);
	assert_int_equal(form_version(f), 3);
	form_free(f);
	free(dir);
}

/* A question's "default": an expression over the site register only. */
static void
test_default_from_the_site_register(void **state)
{
	static const char	 body[] = "{\"id\": \"d\", \"version\": 1, "
	    "\"tasks\": [], \"title\": {\"zh\": \"z\", \"en\": \"e\"}, "
	    "\"site_kinds\": [\"shop\"], \"questions\": ["
	    "{\"id\": \"zone\", \"type\": \"yes_no\", \"default\": "
	    "\"site.village = '下冶村'\", \"label\": {\"zh\": \"z\", "
	    "\"en\": \"e\"}}, "
	    "{\"id\": \"ind\", \"type\": \"choice\", \"default\": "
	    "\"site.industry\", \"label\": {\"zh\": \"z\", \"en\": \"e\"}, "
	    "\"choices\": [{\"value\": \"printing\", \"label\": {\"zh\": "
	    "\"z\", \"en\": \"e\"}}]}, "
	    "{\"id\": \"g\", \"type\": \"text\", \"default\": "
	    "\"site.grade\", \"label\": {\"zh\": \"z\", \"en\": \"e\"}}, "
	    "{\"id\": \"n\", \"type\": \"integer\", \"label\": {\"zh\": "
	    "\"z\", \"en\": \"e\"}}]}";
	static const char	 bad[] = "{\"id\": \"b\", \"version\": 1, "
	    "\"tasks\": [], \"title\": {\"zh\": \"z\", \"en\": \"e\"}, "
	    "\"site_kinds\": [\"shop\"], \"questions\": ["
	    "{\"id\": \"a\", \"type\": \"text\", \"label\": {\"zh\": \"z\", "
	    "\"en\": \"e\"}}, {\"id\": \"b\", \"type\": \"text\", "
	    "\"default\": \"a || site.village\", \"label\": {\"zh\": \"z\", "
	    "\"en\": \"e\"}}]}";
	struct form_site	 in = { "S-1", "shop", "下冶村", "printing", "D" };
	struct form_site	 out = { "S-2", "shop", "南岭村", "retail", NULL };
	const char		*dirs[] = { th_forms_dir(), NULL };
	struct form		*f;
	json_t			*v;

	(void)state;
	assert_int_equal(form_load_buf(&f, "memory", body, sizeof body - 1),
	    0);
	assert_int_equal(form_default(f, "zone", &in, &v), 0);
	assert_true(json_is_true(v));
	json_decref(v);
	assert_int_equal(form_default(f, "zone", &out, &v), 0);
	assert_true(json_is_false(v));
	json_decref(v);
	assert_int_equal(form_default(f, "ind", &in, &v), 0);
	assert_string_equal(json_string_value(v), "printing");
	json_decref(v);
	/* A value the question does not offer is no default. */
	assert_int_equal(form_default(f, "ind", &out, &v), 0);
	assert_null(v);
	assert_int_equal(form_default(f, "g", &in, &v), 0);
	assert_string_equal(json_string_value(v), "D");
	json_decref(v);
	assert_int_equal(form_default(f, "g", &out, &v), 0);
	assert_null(v);
	/* No "default", or no such question: none. */
	assert_int_equal(form_default(f, "n", &in, &v), 0);
	assert_null(v);
	assert_int_equal(form_default(f, "nope", &in, &v), 0);
	assert_null(v);
	form_free(f);

	/* The shipped forms: the zone from the village, VOC's industry. */
	assert_int_equal(form_open(&f, "coal-ban", dirs), 0);
	assert_int_equal(form_default(f, "in_ban_zone", &out, &v), 0);
	assert_true(json_is_false(v));
	json_decref(v);
	form_free(f);

	/* It sees the register and nothing else: not an answer. */
	assert_int_equal(form_load_buf(&f, "bad", bad, sizeof bad - 1),
	    LT_EFORM);
	assert_non_null(strstr(error_msg(), "question b: default"));
	assert_non_null(strstr(error_msg(), "no such column: a"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_shipped_forms_load_and_pass_check),
		T(test_boiler_findings_fire_by_the_rules),
		T(test_coal_ban_findings_fire_by_the_rules),
		T(test_every_type_takes_a_valid_answer),
		T(test_every_type_refuses_a_wrong_answer),
		T(test_null_empty_text_and_empty_multi_are_unanswered),
		T(test_relevance_hides_a_later_question_and_makes_it_null),
		T(test_min_and_max_are_violations),
		T(test_constraint_uses_its_message_and_null_passes),
		T(test_calculate_stores_values_and_skips_null),
		T(test_selected_matches_whole_words),
		T(test_expr_values_truth_and_hidden_clock),
		T(test_load_fails_on_unknown_or_later_field),
		T(test_sandbox_refuses_functions_tables_and_injection),
		T(test_load_names_form_question_and_expression_kind),
		T(test_progress_handler_stops_a_runaway),
		T(test_form_check_lists_every_problem),
		T(test_form_structure_problems_are_named),
		T(test_form_open_by_id_and_by_path),
		T(test_form_list_one_per_id_first_dir_wins),
		T(test_form_load_buf_keeps_name_and_bytes),
		T(test_shipped_test_data_forms_behave_as_named),
		T(test_default_from_the_site_register),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
