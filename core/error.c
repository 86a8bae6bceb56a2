#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* Room for a message naming many problems (of a CSV file, of an answers
 * file), one a line. */
static _Thread_local char error_buf[4096];
static _Thread_local int error_last;

static const struct {
	int		 code;
	const char	*text;
} error_table[] = {
#define LT_ERROR_ROW(name, value, text) { value, text },
	LT_ERRORS(LT_ERROR_ROW)
#undef LT_ERROR_ROW
};

int
error_set(int code, const char *fmt, ...)
{
	va_list	ap;
	char	tmp[sizeof error_buf];

	/* Format aside first: callers may pass error_msg() as an argument
	 * to add context to the message of a failure below them. */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	memcpy(error_buf, tmp, sizeof error_buf);
	error_last = code;
	return code;
}

const char *
error_msg(void)
{
	if (error_buf[0] == '\0')
		return error_str(error_last);
	return error_buf;
}

int
error_code(void)
{
	return error_last;
}

const char *
error_str(int code)
{
	size_t	i;

	for (i = 0; i < sizeof error_table / sizeof error_table[0]; i++) {
		if (error_table[i].code == code)
			return error_table[i].text;
	}
	return "unknown error";
}

void
error_clear(void)
{
	error_buf[0] = '\0';
	error_last = LT_OK;
}
