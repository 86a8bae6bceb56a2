/*
 * BagIt 1.0 (RFC 8493) building blocks for evidence bundles
 * (core/bundle.h): manifest lines and their paths, and SHA-256 of files,
 * several at once.
 *
 * A manifest line is "<64 hex>  <path>" (two spaces, as sha256sum -c
 * reads it), the path relative to the bag's root with "/", and only CR,
 * LF and "%" percent-encoded.  A path that could leave the bag (absolute,
 * "..", ".", empty components, a backslash, a control character) is
 * refused, written or read.
 */
#ifndef LANTIAN_BAGIT_H
#define LANTIAN_BAGIT_H

#include <stddef.h>
#include <stdint.h>

#define BAGIT_TXT	"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
#define BAGIT_MANIFEST	"manifest-sha256.txt"
#define BAGIT_TAGMANIFEST "tagmanifest-sha256.txt"
#define BAGIT_LINE_MAX	4096	/* bytes of a manifest line */

/* Is path a relative path that stays in the bag? */
int bagit_path_ok(const char *path);

/* A path as a manifest writes it (CR, LF, % encoded); caller frees. */
char *bagit_path_encode(const char *path);

struct bagit_entry {
	char	 sha256[65];
	char	*path;		/* decoded */
	int	 line;		/* in the manifest, from 1 */
};

/*
 * Parse a manifest's text: every line "<hex> <path>" with spaces or tabs
 * between (RFC 8493), or " *" (sha256sum's binary mode); LT_EINVAL naming the first bad line (a
 * path that leaves the bag included).  *out (n entries) is the caller's:
 * bagit_entries_free().
 */
int bagit_manifest_parse(const char *text, size_t len,
    struct bagit_entry **out, size_t *n);
void bagit_entries_free(struct bagit_entry *e, size_t n);

/*
 * SHA-256 of the files src[i] into hex[i], on nthreads threads; with dst
 * (may be NULL) each is copied to dst[i] (created, mode 0644) as it is
 * read, so what is hashed is what was written.  bytes (may be NULL) gets
 * their total size.  A file that fails leaves its hex "" and errs[i]
 * (when errs is not NULL) the reason, which the caller frees.  Returns
 * how many failed.
 */
size_t bagit_hash_files(char *const *src, char *const *dst, size_t n,
    char (*hex)[65], char **errs, int nthreads, uint64_t *bytes);

#endif
