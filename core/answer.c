#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "record.h"
#include "util.h"

const char *
answer_label(const json_t *q, const char *lang)
{
	const char	*s = record_text(json_object_get(q, "label"), lang);

	return s != NULL ? s : json_string_value(json_object_get(q, "id"));
}

const char *
answer_choice(const json_t *q, const char *value, const char *lang)
{
	const json_t	*c;
	const char	*s;
	size_t		 i;

	json_array_foreach(json_object_get(q, "choices"), i, c) {
		s = json_string_value(json_object_get(c, "value"));
		if (s != NULL && strcmp(s, value) == 0) {
			s = record_text(json_object_get(c, "label"), lang);
			return s != NULL ? s : value;
		}
	}
	return value;
}

char *
answer_number(const json_t *v)
{
	char	buf[64];

	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%lld",
		    (long long)json_integer_value(v));
	else
		snprintf(buf, sizeof buf, "%.10g", json_number_value(v));
	return xstrdup(buf);
}

/* The name of the attachment with this sha256, or a short hash. */
static char *
answer_photo(const char *sha, const json_t *attachments)
{
	const json_t	*a;
	const char	*s, *name;
	size_t		 i;

	json_array_foreach(attachments, i, a) {
		s = json_string_value(json_object_get(a, "sha256"));
		name = json_string_value(json_object_get(a, "name"));
		if (s != NULL && name != NULL && strcmp(s, sha) == 0)
			return xasprintf("%s (%.12s)", name, sha);
	}
	return xasprintf("%.12s…", sha);
}

const char *
answer_yes(const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? "是" : "Yes";
}

const char *
answer_no(const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? "否" : "No";
}

char *
answer_text(const json_t *q, const json_t *v, const json_t *attachments,
    const char *lang)
{
	const char	*type = json_string_value(json_object_get(q, "type"));
	const char	*unit = json_string_value(json_object_get(q, "unit"));
	const json_t	*x;
	char		*s, *num, *out;
	size_t		 i, len = 0;

	if (v == NULL || json_is_null(v))
		return xstrdup("");
	if (type == NULL)
		type = "";
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? answer_yes(lang) :
		    answer_no(lang));
	if (json_is_number(v)) {
		num = answer_number(v);
		if (unit == NULL)
			return num;
		out = xasprintf("%s %s", num, unit);
		free(num);
		return out;
	}
	if (json_is_string(v) && strcmp(type, "photo") == 0)
		return answer_photo(json_string_value(v), attachments);
	if (json_is_string(v) && strcmp(type, "choice") == 0)
		return xstrdup(answer_choice(q, json_string_value(v), lang));
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_array(v)) {
		out = xstrdup("");
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				continue;
			/* Chinese lists with 、, English with commas. */
			s = xasprintf("%s%s%s", out, len == 0 ? "" :
			    strcmp(lang != NULL ? lang : "", "zh") == 0 ?
			    "、" : ", ",
			    answer_choice(q, json_string_value(x), lang));
			free(out);
			out = s;
			len++;
		}
		return out;
	}
	if (json_is_object(v) && json_is_number(json_object_get(v, "lat")))
		return xasprintf("%.6f, %.6f",
		    json_number_value(json_object_get(v, "lat")),
		    json_number_value(json_object_get(v, "lon")));
	out = json_dumps(v, JSON_COMPACT);
	return out != NULL ? out : xstrdup("?");
}
