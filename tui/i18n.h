/*
 * The TUI's own text in Chinese and English, through glibc's gettext
 * (text domain "lantian", catalogues in po/).  Mark a string with _() where
 * it is used, or with N_() in a static table and pass it through _() when
 * shown; `make update-po` collects the marked strings into po/LANG.po.
 *
 * One place decides the language (i18n_lang()): the command line's form
 * labels follow it as the TUI's text does.  Not thread-safe: switch the
 * language from the thread that draws, while no other thread calls
 * gettext().
 */
#ifndef LANTIAN_I18N_H
#define LANTIAN_I18N_H

#include <libintl.h>

#define _(s)	gettext(s)
#define N_(s)	(s)

/*
 * Once, after setlocale(LC_ALL, ""): the text domain, where its catalogues
 * are ($LANTIAN_LOCALEDIR, else the installed ones, else the build tree's)
 * and the first language: $LANTIAN_LANG (zh or en), else the first set of
 * $LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG that starts with "zh" gives "zh",
 * anything else "en".
 */
void i18n_init(void);

/*
 * Switch to "zh" or "en" (anything not "zh" is "en") from now on; may be
 * called at any time, before or after i18n_init().
 */
void i18n_set_lang(const char *lang);

/*
 * "zh" or "en": the language in use, decided from the environment as
 * i18n_init() does if nothing has decided it yet.
 */
const char *i18n_lang(void);

#endif
