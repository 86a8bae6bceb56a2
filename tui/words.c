#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tui/i18n.h"
#include "tui/words.h"

struct words {
	const char	*code;
	const char	*text;		/* N_() */
	enum draw_part	 part;
};

static const struct words words_kinds[] = {
	{ "household", N_("Household"), DRAW_NORMAL },
	{ "shop", N_("Shop"), DRAW_NORMAL },
	{ "enterprise", N_("Enterprise"), DRAW_NORMAL },
	{ "construction", N_("Construction site"), DRAW_NORMAL },
	{ "restaurant", N_("Restaurant"), DRAW_NORMAL },
	{ "mine", N_("Mine"), DRAW_NORMAL },
	{ "village", N_("Village"), DRAW_NORMAL },
	{ "road", N_("Road"), DRAW_NORMAL },
	{ NULL, NULL, DRAW_NORMAL }
};

/*
 * The industries the town's register writes (its "industry" column) that
 * no form has as a choice: a form's label comes first (tui_choice_label).
 */
static const struct words words_industries[] = {
	{ "retail", N_("Retail"), DRAW_NORMAL },
	{ "catering", N_("Catering"), DRAW_NORMAL },
	{ "building materials", N_("Building materials"), DRAW_NORMAL },
	{ "heat supply", N_("Heat supply"), DRAW_NORMAL },
	{ "printing", N_("Packaging printing"), DRAW_NORMAL },
	{ "bricks and tiles", N_("Bricks and tiles"), DRAW_NORMAL },
	{ "housing", N_("Housing"), DRAW_NORMAL },
	{ "road works", N_("Road works"), DRAW_NORMAL },
	{ "stone quarry", N_("Stone quarry"), DRAW_NORMAL },
	{ NULL, NULL, DRAW_NORMAL }
};

static const struct words words_statuses[] = {
	{ "verified", N_("verified"), DRAW_OK },
	{ "signed", N_("signed"), DRAW_NORMAL },
	{ "unknown-key", N_("unknown key"), DRAW_WARN },
	{ "revoked", N_("key revoked"), DRAW_ERROR },
	{ "bad-signature", N_("bad signature"), DRAW_ERROR },
	{ "id-mismatch", N_("id mismatch"), DRAW_ERROR },
	{ "chain-gap", N_("chain gap"), DRAW_WARN },
	{ "fork", N_("fork"), DRAW_ERROR },
	{ NULL, NULL, DRAW_NORMAL }
};

static const struct words words_severities[] = {
	{ "violation", N_("violation"), DRAW_ERROR },
	{ "warning", N_("warning"), DRAW_WARN },
	{ "note", N_("note"), DRAW_NORMAL },
	{ NULL, NULL, DRAW_NORMAL }
};

/* The office's review of a record (core/review.h). */
static const struct words words_reviews[] = {
	{ "pending", N_("pending review"), DRAW_NORMAL },
	{ "accepted", N_("accepted"), DRAW_OK },
	{ "returned", N_("returned"), DRAW_WARN },
	{ "rejected", N_("rejected"), DRAW_ERROR },
	{ "amended", N_("answered"), DRAW_NORMAL },
	{ NULL, NULL, DRAW_NORMAL }
};

/* The stages of a sync (sync/sync.h struct sync_progress). */
static const struct words words_stages[] = {
	{ "export", N_("export"), DRAW_NORMAL },
	{ "fetch", N_("fetch"), DRAW_NORMAL },
	{ "import", N_("import"), DRAW_NORMAL },
	{ "push", N_("push"), DRAW_NORMAL },
	{ NULL, NULL, DRAW_NORMAL }
};

/* The types of file taken as attachments (core/attach.c attach_kind). */
static const struct words words_media_types[] = {
	{ "image/jpeg", N_("JPEG image"), DRAW_NORMAL },
	{ "image/png", N_("PNG image"), DRAW_NORMAL },
	{ "image/gif", N_("GIF image"), DRAW_NORMAL },
	{ "image/webp", N_("WebP image"), DRAW_NORMAL },
	{ "image/tiff", N_("TIFF image"), DRAW_NORMAL },
	{ "image/heic", N_("HEIC image"), DRAW_NORMAL },
	{ "image/heif", N_("HEIF image"), DRAW_NORMAL },
	{ "image/avif", N_("AVIF image"), DRAW_NORMAL },
	{ "video/mp4", N_("MP4 video"), DRAW_NORMAL },
	{ "video/quicktime", N_("QuickTime video"), DRAW_NORMAL },
	{ "video/3gpp", N_("3GP video"), DRAW_NORMAL },
	{ "video/3gpp2", N_("3GP video"), DRAW_NORMAL },
	{ "audio/mp4", N_("M4A audio"), DRAW_NORMAL },
	{ "audio/aac", N_("AAC audio"), DRAW_NORMAL },
	{ "audio/amr", N_("AMR audio"), DRAW_NORMAL },
	{ "audio/wav", N_("WAV audio"), DRAW_NORMAL },
	{ "audio/mpeg", N_("MP3 audio"), DRAW_NORMAL },
	{ "application/pdf", N_("PDF document"), DRAW_NORMAL },
	{ NULL, NULL, DRAW_NORMAL }
};

/* The words of code in the table (the code itself when it is not there). */
static const char *
words_find(const struct words *w, const char *code, enum draw_part *part)
{
	if (part != NULL)
		*part = DRAW_WARN;
	if (code == NULL)
		return "?";
	for (; w->code != NULL; w++) {
		if (strcmp(w->code, code) == 0) {
			if (part != NULL)
				*part = w->part;
			return _(w->text);
		}
	}
	return code;
}

const char *
words_kind(const char *kind)
{
	return kind == NULL ? "" : words_find(words_kinds, kind, NULL);
}

const char *
words_status(const char *status, enum draw_part *part)
{
	return words_find(words_statuses, status, part);
}

const char *
words_severity(const char *severity, enum draw_part *part)
{
	return words_find(words_severities, severity, part);
}

const char *
words_stage(const char *stage)
{
	return words_find(words_stages, stage, NULL);
}

void
words_progress(char *buf, size_t size, const char *stage, size_t objects,
    size_t total, size_t bytes)
{
	char	sz[32];

	if (stage == NULL || (strcmp(stage, "fetch") != 0 &&
	    strcmp(stage, "push") != 0)) {
		snprintf(buf, size, _("%s…"), words_stage(stage));
		return;
	}
	if (total == 0) {
		snprintf(buf, size, _("%s: counting…"), words_stage(stage));
		return;
	}
	draw_size(sz, sizeof sz, (long long)bytes);
	snprintf(buf, size, ngettext("%s %zu/%zu object, %s",
	    "%s %zu/%zu objects, %s", total), words_stage(stage),
	    objects > total ? total : objects, total, sz);
}

const char *
words_review(const char *state, enum draw_part *part)
{
	return words_find(words_reviews, state, part);
}

const char *
words_media(const char *mime)
{
	return words_find(words_media_types, mime, NULL);
}

const char *
words_industry(const char *industry)
{
	return words_find(words_industries, industry, NULL);
}
