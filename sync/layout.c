#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout.h"

/* Are the n characters of s uppercase hex digits? */
static int
layout_upper_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return 1;
}

enum layout_branch
layout_branch(const char *name, char keyid[KEY_ID_HEX])
{
	static const struct {
		const char		*prefix;
		enum layout_branch	 kind;
	} kinds[] = {
		{ "devices/", LAYOUT_DEVICE },
		{ "attachments/", LAYOUT_ATTACHMENTS },
	};
	size_t	i, len;

	if (strcmp(name, "office") == 0)
		return LAYOUT_OFFICE;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		len = strlen(kinds[i].prefix);
		if (strncmp(name, kinds[i].prefix, len) != 0)
			continue;
		name += len;
		if (strlen(name) != KEY_ID_HEX - 1 ||
		    !layout_upper_hex(name, KEY_ID_HEX - 1))
			return LAYOUT_NONE;
		memcpy(keyid, name, KEY_ID_HEX);
		return kinds[i].kind;
	}
	return LAYOUT_NONE;
}

void
layout_record_path(char *buf, size_t size, int64_t seq, int sig)
{
	snprintf(buf, size, "records/%04lld/%08lld.json%s",
	    (long long)(seq / 1000), (long long)seq, sig ? ".minisig" : "");
}

int
layout_parse_record_path(const char *path, int64_t *seq, int *sig)
{
	const char	*name;
	char		 want[64];
	size_t		 len;
	int64_t		 n;

	/* records/<shard>/<seq>.json[.minisig], where only the one spelling
	 * layout_record_path() gives is accepted. */
	if (strncmp(path, "records/", 8) != 0 || strlen(path) >= sizeof want)
		return 0;
	if ((name = strchr(path + 8, '/')) == NULL)
		return 0;
	name++;
	len = strspn(name, "0123456789");
	if (len < 8 || len > 18)
		return 0;
	if ((n = strtoll(name, NULL, 10)) < 1)
		return 0;
	for (*sig = 0; *sig <= 1; (*sig)++) {
		layout_record_path(want, sizeof want, n, *sig);
		if (strcmp(path, want) == 0) {
			*seq = n;
			return 1;
		}
	}
	return 0;
}

void
layout_attachment_path(char *buf, size_t size, const char *sha256)
{
	snprintf(buf, size, "blobs/%.2s/%s", sha256, sha256);
}

int
layout_parse_attachment_path(const char *path, char sha256[65])
{
	if (strlen(path) != 6 + 3 + 64 || strncmp(path, "blobs/", 6) != 0 ||
	    path[8] != '/' || !util_is_hex(path + 9, 64) ||
	    strncmp(path + 6, path + 9, 2) != 0)
		return 0;
	memcpy(sha256, path + 9, 65);
	return 1;
}

int
layout_parse_roster_path(const char *path)
{
	return strlen(path) == 7 + KEY_ID_HEX - 1 + 5 &&
	    strncmp(path, "roster/", 7) == 0 &&
	    strspn(path + 7, "0123456789ABCDEF") == KEY_ID_HEX - 1 &&
	    strcmp(path + 7 + KEY_ID_HEX - 1, ".json") == 0;
}
