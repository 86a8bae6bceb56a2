/*
 * Form files (from the office branch, or a folder) and the expressions in
 * them: load, then evaluate with no answers and with every question
 * answered "1".
 */
#include "config.h"

#include <stdlib.h>

#include <jansson.h>

#include "core/error.h"
#include "core/form.h"
#include "core/util.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_eval	 ev;
	struct form		*f;
	const json_t		*q;
	json_t			*answers;
	size_t			 i;

	if (util_init() != 0)
		abort();
	if (form_load_buf(&f, "fuzz.json", (const char *)data, size) != 0) {
		error_clear();
		return 0;
	}
	answers = json_object();
	if (form_eval(f, answers, &ev) == 0)
		form_eval_clear(&ev);
	json_array_foreach(json_object_get(form_doc(f), "questions"), i, q) {
		if (json_is_string(json_object_get(q, "id")))
			json_object_set_new(answers, json_string_value(
			    json_object_get(q, "id")), json_string("1"));
	}
	if (form_eval(f, answers, &ev) == 0)
		form_eval_clear(&ev);
	json_decref(answers);
	form_free(f);
	error_clear();
	return 0;
}
