#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "i18n.h"

#define I18N_DOMAIN	"lantian"

static const char	*i18n_current;	/* "zh", "en", or NULL: not decided */

/* "zh" for a value that starts with "zh", else "en". */
static const char *
i18n_of(const char *v)
{
	return strncmp(v, "zh", 2) == 0 ? "zh" : "en";
}

/* The language the environment asks for, in the order gettext reads it. */
static const char *
i18n_from_env(void)
{
	static const char *const vars[] = { "LANTIAN_LANG", "LANGUAGE",
	    "LC_ALL", "LC_MESSAGES", "LANG", NULL };
	const char	*v;
	int		 i;

	for (i = 0; vars[i] != NULL; i++) {
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return i18n_of(v);
	}
	return "en";
}

void
i18n_init(void)
{
	const char	*dir;

	dir = getenv("LANTIAN_LOCALEDIR");
	if (dir == NULL || *dir == '\0') {
		if (util_uninstalled())
			dir = BUILDDIR "/po/locale";
		else
			dir = LOCALEDIR;
	}
	bindtextdomain(I18N_DOMAIN, dir);
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
	i18n_set_lang(i18n_lang());
}

void
i18n_set_lang(const char *lang)
{
	const char	*cur;
	int		 zh = lang != NULL && strcmp(lang, "zh") == 0;

	/*
	 * glibc ignores $LANGUAGE while LC_MESSAGES is "C": move to C.UTF-8,
	 * whose messages are the same English, so that it is read.
	 */
	cur = setlocale(LC_MESSAGES, NULL);
	if (zh && (cur == NULL || strcmp(cur, "C") == 0 ||
	    strcmp(cur, "POSIX") == 0)) {
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			setlocale(LC_MESSAGES, "C.utf8");
	}
	setenv("LANGUAGE", zh ? "zh_CN" : "en", 1);
	/*
	 * gettext keeps the translations it found under LC_MESSAGES' name,
	 * not $LANGUAGE's, so they would outlive the switch; naming the
	 * domain again is glibc's way of saying the environment changed.
	 */
	textdomain(I18N_DOMAIN);
	i18n_current = zh ? "zh" : "en";
}

const char *
i18n_lang(void)
{
	if (i18n_current == NULL)
		i18n_current = i18n_from_env();
	return i18n_current;
}
