/*
 * The git tree walk of import (sync/import.c): what a hostile remote's
 * branches may hold (paths, modes, object types, sizes, and the change
 * from one commit to the next), read by import_all() into a store.
 *
 * Made once per process: a bare repository whose objects live in an
 * in-memory object database (a backend of this file, emptied after each
 * input: nothing piles up on disk), a data directory (fuzz.h) trusting a
 * fixed office key, and a copy of its pristine store, put back after each
 * input (with the files the input stored removed).  So an input costs milliseconds, and the same input always does
 * the same thing.  Two fixed Ed25519 keys sign what an input asks to be
 * signed: the device key (id F022A11AC0DE0001, its device.pub added to the
 * tree when the header asks) and the office key.
 *
 * The input (every byte string decodes to something; what runs out ends
 * the input):
 *
 *   header  1 byte:  bits 0-1 the branch the commits go to:
 *                      0 refs/heads/devices/F022A11AC0DE0001
 *                      1 refs/heads/attachments/F022A11AC0DE0001
 *                      2 refs/heads/office
 *                      3 refs/lantian-forks/origin/devices/F022A11AC0DE0001
 *                    bit 2: put the device's device.pub at the root
 *                    bit 3: write trees in the input's order, not git's
 *   then ops, each an op byte (low 2 bits the op, bit 4 a flag):
 *     0 ENTRY  mode byte, [mode bytes], path, content, [repeat], [size]:
 *              an entry of the tree (the same path twice is kept)
 *     1 COMMIT the tree so far is committed (on the last commit) and
 *              imported; the ops after it change that tree
 *     2 DELETE path: the entries of that path leave the tree
 *     3 SIG    mode byte, path, content: an entry whose blob is a minisign
 *              signature, made here, of the last ENTRY's blob, whose
 *              trusted comment is the content (CR/LF made '_'); op bit 4:
 *              by the office key, else the device key
 *   The end of the input commits and imports what is left.  Bounds: at
 *   most FZ_GENS (3) commits, FZ_ENTRIES (256) entries in a commit,
 *   FZ_DEPTH (8) trees in a path, FZ_BYTES (12 MiB) of repeated bytes.
 *
 *   mode byte  bits 0-2 the mode: 0 100644, 1 100755, 2 120000 (symlink),
 *                3 160000 (gitlink), 4 40000 (a tree), 5 100664, 6 [mode
 *                bytes] 4 bytes (big endian) printed in octal, 7 [mode
 *                bytes] a length byte and that many bytes, written as they
 *                are (any bytes: spaces, NULs)
 *              bits 3-4 the object the entry names: 0 a blob of the
 *                content, 1 a tree object whose raw bytes are the content
 *                (malformed ones too), 2 an object not in the repository
 *                (a hash of the content), 3 a blob of the content whose
 *                header says it has as many bytes as [size] says (4
 *                bytes big endian, after [repeat]): a size that lies
 *              bit 5: the path is split at '/' into trees ("a//b" holds a
 *                tree named ""); else it is one name, slashes and all
 *              bit 6: those trees are new ones, even where a tree of the
 *                same name is there already (a tree holding a name twice)
 *              bit 7: [repeat], 3 bytes (big endian, at most FZ_REPEAT,
 *                9 MiB) and 1 byte after the content: that many of that
 *                byte end the content (a big blob declared in 4 bytes)
 *   path       a length byte and that many bytes (cut at a NUL); "$SHA" in
 *              it is the SHA-256 (hex) of the entry's content, "$AA" its
 *              first two digits
 *   content    2 bytes of length (big endian) and that many bytes; "$ID" in
 *              it is the SHA-256 (hex) of the last ENTRY's blob before it (a
 *              record's prev, or what a SIG's trusted comment names)
 *
 * FUZZ_IMPORT_DEBUG set in the environment: what each import did and
 * refused, on stderr.
 *
 * Whatever the import does with it must not crash, trip a sanitizer or
 * leak; and then:
 *   - at most one record of a device's seq is stored as anything but a
 *     fork or a bad signature: a second one for a seq is a fork;
 *   - a record is stored only from a path of the records layout that an
 *     input's tree held as a plain file, an attachment only from
 *     blobs/<aa>/<sha256> holding content of that hash;
 *   - importing again from nothing (the import state forgotten) stores
 *     nothing new.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/attach.h"
#include "core/datadir.h"
#include "core/error.h"
#include "core/key.h"
#include "core/roster.h"
#include "core/sig.h"
#include "core/util.h"
#include "sync/import.h"
#include "sync/layout.h"
#include "tests/fuzz/fuzz.h"

#define FZ_ENTRIES	256		/* entries of a tree, at most */
#define FZ_DEPTH	8		/* trees in a path, at most */
#define FZ_GENS		3		/* commits of an input */
#define FZ_REPEAT	(9 * 1024 * 1024)	/* above OFFICE_SITES_MAX */
#define FZ_BYTES	(12 * 1024 * 1024)	/* content of an input */

#define FZ_KEYID	"F022A11AC0DE0001"

/* LeakSanitizer: what libgit2 leaks itself (tests/lsan.supp). */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libpcre2-8.so\n";
}

/* ---- An object database in memory ---------------------------------- */

struct mobj {
	git_oid		 oid;
	git_object_t	 type;
	size_t		 declared;	/* what its header says */
	size_t		 len;
	unsigned char	*data;
	int		 next;		/* in its bucket's chain, or -1 */
};

struct membe {
	git_odb_backend	 parent;
	struct mobj	*o;
	size_t		 n, cap;
	int		 bucket[4096];
};

static struct mobj *
mem_find(struct membe *m, const git_oid *oid)
{
	int	i;

	for (i = m->bucket[(oid->id[0] << 4 | oid->id[1] >> 4) & 4095]; i >= 0;
	    i = m->o[i].next)
		if (git_oid_equal(&m->o[i].oid, oid))
			return &m->o[i];
	return NULL;
}

/* Keep an object (its data copied); a second of one oid is ignored. */
static void
mem_put(struct membe *m, const git_oid *oid, git_object_t type,
    const void *data, size_t len, size_t declared)
{
	struct mobj	*o;
	int		 b;

	if (mem_find(m, oid) != NULL)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 64 : 2 * m->cap;
		m->o = xrealloc(m->o, m->cap * sizeof *m->o);
	}
	o = &m->o[m->n];
	git_oid_cpy(&o->oid, oid);
	o->type = type;
	o->len = len;
	o->declared = declared;
	o->data = xmalloc(len + 1);
	if (len > 0)
		memcpy(o->data, data, len);
	b = (oid->id[0] << 4 | oid->id[1] >> 4) & 4095;
	o->next = m->bucket[b];
	m->bucket[b] = (int)m->n++;
}

static void
mem_reset(struct membe *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		free(m->o[i].data);
	m->n = 0;
	memset(m->bucket, 0xff, sizeof m->bucket);
}

static int
mem_read(void **out, size_t *len, git_object_t *type, git_odb_backend *be,
    const git_oid *oid)
{
	struct mobj	*o = mem_find((struct membe *)be, oid);

	if (o == NULL)
		return GIT_ENOTFOUND;
	*out = git_odb_backend_data_alloc(be, o->len + 1);
	if (*out == NULL)
		return -1;
	memcpy(*out, o->data, o->len);
	*len = o->len;
	*type = o->type;
	return 0;
}

static int
mem_read_header(size_t *len, git_object_t *type, git_odb_backend *be,
    const git_oid *oid)
{
	struct mobj	*o = mem_find((struct membe *)be, oid);

	if (o == NULL)
		return GIT_ENOTFOUND;
	*len = o->declared;
	*type = o->type;
	return 0;
}

static int
mem_write(git_odb_backend *be, const git_oid *oid, const void *data,
    size_t len, git_object_t type)
{
	mem_put((struct membe *)be, oid, type, data, len, len);
	return 0;
}

static int
mem_exists(git_odb_backend *be, const git_oid *oid)
{
	return mem_find((struct membe *)be, oid) != NULL;
}

static void
mem_free(git_odb_backend *be)
{
	struct membe	*m = (struct membe *)be;

	mem_reset(m);
	free(m->o);
	free(m);
}

/* ---- What is made once per process ------------------------------------ */

static struct datadir	*dd;
static git_repository	*repo;
static struct membe	*mem;
static sqlite3		*pristine;	/* the store before any input */
static struct key_secret dev_sk, office_sk;
static char		*dev_pub;	/* device.pub's text */
static const char	*last_ref;	/* the branch the last input made */

static const char *const refs[4] = {
	"refs/heads/devices/" FZ_KEYID,
	"refs/heads/attachments/" FZ_KEYID,
	"refs/heads/office",
	IMPORT_FORKS "origin/devices/" FZ_KEYID,
};

/* A key from a fixed seed (the secret half is only ever read). */
static void
fixed_key(struct key_secret *sk, unsigned char seedbyte,
    const unsigned char id[KEY_ID_BYTES])
{
	unsigned char	seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];

	memset(seed, seedbyte, sizeof seed);
	crypto_sign_seed_keypair(pk, sk->sk, seed);
	memcpy(sk->id, id, KEY_ID_BYTES);
}

static void
fz_die(const char *what)
{
	const git_error	*e = git_error_last();

	fprintf(stderr, "fuzz_import: %s: %s / %s\n", what, error_msg(),
	    e != NULL ? e->message : "");
	abort();
}

static void
fz_setup(void)
{
	static const unsigned char dev_id[KEY_ID_BYTES] = { 0x01, 0x00, 0xde,
	    0xc0, 0x1a, 0xa1, 0x22, 0xf0 };
	static const unsigned char office_id[KEY_ID_BYTES] = { 0x0f, 0xf1,
	    0xce, 0x00, 0x0f, 0xf1, 0xce, 0x00 };
	struct key_public	 pk;
	git_odb			*odb = NULL;
	sqlite3_backup		*b;
	char			 hex[KEY_ID_HEX], *path;

	if (sodium_init() < 0)
		fz_die("sodium");
	dd = fuzz_datadir();
	fixed_key(&dev_sk, 0x42, dev_id);
	fixed_key(&office_sk, 0x0f, office_id);
	key_secret_public(&dev_sk, &pk);
	key_id_hex(hex, pk.id);
	if (strcmp(hex, FZ_KEYID) != 0)
		fz_die("the device key id");
	dev_pub = key_public_format(&pk);
	key_secret_public(&office_sk, &pk);
	if (roster_trust(dd, &pk, 0) != 0)
		fz_die("roster_trust");
	/* Nothing here needs to outlive a crash. */
	sqlite3_exec(dd->db, "PRAGMA journal_mode = MEMORY", NULL, NULL, NULL);
	sqlite3_exec(dd->db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	if (sqlite3_open(":memory:", &pristine) != SQLITE_OK ||
	    (b = sqlite3_backup_init(pristine, "main", dd->db, "main")) ==
	    NULL || sqlite3_backup_step(b, -1) != SQLITE_DONE ||
	    sqlite3_backup_finish(b) != SQLITE_OK)
		fz_die("a copy of the store");

	git_libgit2_init();
	/* An object is what the backend holds now, not what it held. */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	path = xstrdup(fuzz_scratch(".git"));
	if (git_repository_init(&repo, path, 1) < 0 ||
	    git_repository_odb(&odb, repo) < 0)
		fz_die("the repository");
	free(path);
	mem = xcalloc(1, sizeof *mem);
	if (git_odb_init_backend(&mem->parent, GIT_ODB_BACKEND_VERSION) < 0)
		fz_die("the backend");
	mem->parent.read = mem_read;
	mem->parent.read_header = mem_read_header;
	mem->parent.write = mem_write;
	mem->parent.exists = mem_exists;
	mem->parent.free = mem_free;
	mem_reset(mem);
	if (git_odb_add_backend(odb, &mem->parent, 1000) < 0)
		fz_die("the backend");
	git_odb_free(odb);
}

/* Remove the files of a directory (not below it). */
static void
fz_empty_dir(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
}

/* Everything back as it was before the first input. */
static void
fz_reset(void)
{
	sqlite3_backup	*b;
	sqlite3_stmt	*st;
	char		*p;

	/* The attachments and forms the last input stored, then the store. */
	if (sqlite3_prepare_v2(dd->db, "SELECT sha256 FROM attachments", -1,
	    &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			p = attach_path(dd->path,
			    (const char *)sqlite3_column_text(st, 0));
			unlink(p);
			free(p);
		}
		sqlite3_finalize(st);
	}
	p = datadir_file(dd, "forms");
	fz_empty_dir(p);
	free(p);
	if ((b = sqlite3_backup_init(dd->db, "main", pristine, "main")) ==
	    NULL || sqlite3_backup_step(b, -1) != SQLITE_DONE ||
	    sqlite3_backup_finish(b) != SQLITE_OK)
		fz_die("putting the store back");
	if (last_ref != NULL)
		git_reference_remove(repo, last_ref);
	last_ref = NULL;
	mem_reset(mem);
	git_error_clear();
	error_clear();
}

/* ---- An input ---------------------------------------------------------- */

struct rd {
	const uint8_t	*p;
	size_t		 n;
};

static int
rd_u8(struct rd *r)
{
	if (r->n == 0)
		return -1;
	r->n--;
	return *r->p++;
}

/* n bytes big endian; -1 when the input ends first. */
static long long
rd_be(struct rd *r, int n)
{
	long long	v = 0;
	int		c;

	while (n-- > 0) {
		if ((c = rd_u8(r)) < 0)
			return -1;
		v = v << 8 | c;
	}
	return v;
}

/* Up to n bytes (fewer when the input ends). */
static const uint8_t *
rd_take(struct rd *r, size_t n, size_t *got)
{
	const uint8_t	*p = r->p;

	*got = n < r->n ? n : r->n;
	r->p += *got;
	r->n -= *got;
	return p;
}

/* A growing buffer. */
struct buf {
	unsigned char	*b;
	size_t		 len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = b->len + n + 1 + b->cap;
		b->b = xrealloc(b->b, b->cap);
	}
	if (n > 0)
		memcpy(b->b + b->len, p, n);
	b->len += n;
	b->b[b->len] = '\0';
}

/* p (n bytes) into b, each word replaced by with. */
static void
buf_subst(struct buf *b, const uint8_t *p, size_t n, const char *word,
    const char *with)
{
	size_t	i, wl = strlen(word);

	for (i = 0; i < n; i++) {
		if (with != NULL && n - i >= wl && memcmp(p + i, word, wl) == 0) {
			buf_add(b, with, strlen(with));
			i += wl - 1;
		} else
			buf_add(b, p + i, 1);
	}
}

/* An entry of the tree. */
struct fent {
	char		*path;		/* as the walk names it */
	char		*mode;		/* its bytes, as written */
	size_t		 modelen;
	int		 nest;		/* split at '/' into trees */
	int		 apart;		/* in trees of its own (names twice) */
	int		 plain;		/* a regular file's mode, a true blob */
	git_oid		 oid;
	char		 sha[65];	/* of the content, for blobs/ paths */
};

/* What a commit held, for the checks after. */
struct seen {
	char	*path;
	int	 plain;
	char	 sha[65];
};

struct fz {
	int		 branch, sorted;
	struct fent	 e[FZ_ENTRIES];
	size_t		 n;
	struct seen	*seen;
	size_t		 nseen;
	int		 gens, failed;
	git_oid		 parent;
	struct import_stats total;
	size_t		 bytes;
	struct buf	 last;		/* the last ENTRY's blob */
	int		 have_last;
};

/* A node of the tree being written. */
struct node {
	const char	*name;
	size_t		 namelen;
	const struct fent *leaf;	/* or NULL: a tree */
	struct node	*kid;
	size_t		 nkid, ckid;
};

/* A kid of t: a leaf, or a tree (the one of that name, unless apart). */
static struct node *
node_add(struct node *t, const char *name, size_t len, const struct fent *leaf,
    int apart)
{
	struct node	*k;
	size_t		 i;

	if (leaf == NULL && !apart)
		for (i = 0; i < t->nkid; i++)
			if (t->kid[i].leaf == NULL && t->kid[i].namelen == len &&
			    memcmp(t->kid[i].name, name, len) == 0)
				return &t->kid[i];
	if (t->nkid == t->ckid) {
		t->ckid = t->ckid == 0 ? 4 : 2 * t->ckid;
		t->kid = xrealloc(t->kid, t->ckid * sizeof *t->kid);
	}
	k = &t->kid[t->nkid++];
	memset(k, 0, sizeof *k);
	k->name = name;
	k->namelen = len;
	k->leaf = leaf;
	return k;
}

static void
node_free(struct node *t)
{
	size_t	i;

	for (i = 0; i < t->nkid; i++)
		node_free(&t->kid[i]);
	free(t->kid);
}

static int
node_is_tree(const struct node *k)
{
	return k->leaf == NULL || (k->leaf->modelen == 5 && memcmp(
	    k->leaf->mode, "40000", 5) == 0) || (k->leaf->modelen == 6 &&
	    memcmp(k->leaf->mode, "040000", 6) == 0);
}

/* git's order: names compared as bytes, a tree's as if it ended in '/'. */
static int
node_cmp(const struct node *a, const struct node *b)
{
	size_t	n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int	c = memcmp(a->name, b->name, n), x, y;

	if (c != 0 || a->namelen == b->namelen)
		return c;
	x = n < a->namelen ? (unsigned char)a->name[n] : node_is_tree(a) ?
	    '/' : 0;
	y = n < b->namelen ? (unsigned char)b->name[n] : node_is_tree(b) ?
	    '/' : 0;
	return x - y;
}

/* Write the tree t (its kids) into the backend. */
static void
node_write(struct fz *z, struct node *t, git_oid *out)
{
	struct node	 k;
	struct buf	 b = { NULL, 0, 0 };
	git_oid		 oid;
	size_t		 i, j;

	if (z->sorted)
		for (i = 1; i < t->nkid; i++)	/* a stable insertion sort */
			for (j = i; j > 0 && node_cmp(&t->kid[j - 1],
			    &t->kid[j]) > 0; j--) {
				k = t->kid[j];
				t->kid[j] = t->kid[j - 1];
				t->kid[j - 1] = k;
			}
	buf_add(&b, "", 0);
	for (i = 0; i < t->nkid; i++) {
		if (t->kid[i].leaf != NULL) {
			buf_add(&b, t->kid[i].leaf->mode, t->kid[i].leaf->modelen);
			git_oid_cpy(&oid, &t->kid[i].leaf->oid);
		} else {
			buf_add(&b, "40000", 5);
			node_write(z, &t->kid[i], &oid);
		}
		buf_add(&b, " ", 1);
		buf_add(&b, t->kid[i].name, t->kid[i].namelen);
		buf_add(&b, "", 1);
		buf_add(&b, oid.id, GIT_OID_RAWSZ);
	}
	if (git_odb_hash(out, b.b, b.len, GIT_OBJECT_TREE) < 0)
		fz_die("hashing a tree");
	mem_put(mem, out, GIT_OBJECT_TREE, b.b, b.len, b.len);
	free(b.b);
}

static void
fz_log(const char *kind, const char *ref, const char *path, const char *why,
    void *arg)
{
	size_t	*n = arg;

	/* Touch every byte: a refusal's strings must be whole. */
	*n += strlen(kind) + strlen(ref) + (path != NULL ? strlen(path) : 0) +
	    strlen(why);
	if (getenv("FUZZ_IMPORT_DEBUG") != NULL)
		fprintf(stderr, "refused %s %s %s: %s\n", kind, ref,
		    path != NULL ? path : "-", why);
}

static void
stats_add(struct import_stats *t, const struct import_stats *s)
{
	t->records += s->records;
	t->verified += s->verified;
	t->rejected += s->rejected;
	t->attachments += s->attachments;
	t->roster += s->roster;
	t->office += s->office;
	t->reviews += s->reviews;
}

/* Commit the tree of the entries on the last commit, and import it. */
static void
fz_commit(struct fz *z)
{
	struct import_stats	 s;
	struct node		 root, *t;
	git_reference		*ref;
	git_oid			 tree, commit;
	const char		*p, *q;
	char			*text, hex[GIT_OID_HEXSZ + 1], phex[GIT_OID_HEXSZ + 1];
	size_t			 i, logged = 0;
	int			 depth;

	memset(&root, 0, sizeof root);
	for (i = 0; i < z->n; i++) {
		t = &root;
		p = z->e[i].path;
		if (z->e[i].nest)
			for (depth = 1; depth < FZ_DEPTH &&
			    (q = strchr(p, '/')) != NULL; depth++) {
				t = node_add(t, p, (size_t)(q - p), NULL,
				    z->e[i].apart);
				p = q + 1;
			}
		node_add(t, p, strlen(p), &z->e[i], 0);
	}
	node_write(z, &root, &tree);
	node_free(&root);

	git_oid_tostr(hex, sizeof hex, &tree);
	git_oid_tostr(phex, sizeof phex, &z->parent);
	text = xasprintf("tree %s\n%s%s%sauthor F <f@example.invalid> "
	    "1700000000 +0000\ncommitter F <f@example.invalid> 1700000000 "
	    "+0000\n\ngeneration %d\n", hex, z->gens > 0 ? "parent " : "",
	    z->gens > 0 ? phex : "", z->gens > 0 ? "\n" : "", z->gens);
	if (git_odb_hash(&commit, text, strlen(text), GIT_OBJECT_COMMIT) < 0)
		fz_die("hashing a commit");
	mem_put(mem, &commit, GIT_OBJECT_COMMIT, text, strlen(text),
	    strlen(text));
	free(text);
	if (git_reference_create(&ref, repo, refs[z->branch], &commit, 1,
	    NULL) < 0)
		fz_die("the branch");
	git_reference_free(ref);
	last_ref = refs[z->branch];
	git_oid_cpy(&z->parent, &commit);
	z->gens++;

	for (i = 0; i < z->n; i++) {
		z->seen = xrealloc(z->seen, (z->nseen + 1) * sizeof *z->seen);
		z->seen[z->nseen].path = xstrdup(z->e[i].path);
		z->seen[z->nseen].plain = z->e[i].plain;
		memcpy(z->seen[z->nseen].sha, z->e[i].sha, 65);
		z->nseen++;
	}

	memset(&s, 0, sizeof s);
	if (import_all(dd, repo, "fuzz", fz_log, &logged, &s) != 0)
		z->failed = 1;
	stats_add(&z->total, &s);
	if (getenv("FUZZ_IMPORT_DEBUG") != NULL)
		fprintf(stderr, "commit %d of %zu entries: %s; %lld records "
		    "(%lld verified), %lld refused, %lld attachments, %lld "
		    "roster, %lld office, %lld reviews\n", z->gens, z->n,
		    z->failed ? error_msg() : "ok", (long long)s.records,
		    (long long)s.verified, (long long)s.rejected,
		    (long long)s.attachments, (long long)s.roster,
		    (long long)s.office, (long long)s.reviews);
	error_clear();
	git_error_clear();
}

/* The mode of an entry from its mode byte; 0 when the input ended. */
static int
fz_mode(struct rd *r, int m, struct fent *e)
{
	static const char *const modes[6] = { "100644", "100755", "120000",
	    "160000", "40000", "100664" };
	const uint8_t	*p;
	long long	 v;
	size_t		 n;
	int		 len;

	switch (m & 7) {
	case 6:
		if ((v = rd_be(r, 4)) < 0)
			return 0;
		e->mode = xasprintf("%llo", v);
		e->modelen = strlen(e->mode);
		break;
	case 7:
		if ((len = rd_u8(r)) < 0)
			return 0;
		p = rd_take(r, (size_t)len, &n);
		e->mode = xmalloc(n + 1);
		memcpy(e->mode, p, n);
		e->mode[n] = '\0';
		e->modelen = n;
		break;
	default:
		e->mode = xstrdup(modes[m & 7]);
		e->modelen = strlen(e->mode);
	}
	return 1;
}

/* Is mode (its bytes) what libgit2 reads as a regular file? */
static int
fz_regular(const struct fent *e)
{
	unsigned long	v = 0;
	size_t		i;

	if (e->modelen == 0 || e->modelen > 7)
		return 0;
	for (i = 0; i < e->modelen; i++) {
		if (e->mode[i] < '0' || e->mode[i] > '7')
			return 0;
		v = v << 3 | (unsigned long)(e->mode[i] - '0');
	}
	return (v & 0170000) == 0100000 && v != 0100755;
}

/*
 * An ENTRY or a SIG (sig: 1 device key, 2 office key): 1 with the entry
 * added, 0 when the input ended or the tree is full.
 */
static int
fz_entry(struct fz *z, struct rd *r, int sig)
{
	struct fent	*e;
	struct buf	 content = { NULL, 0, 0 }, path = { NULL, 0, 0 };
	const uint8_t	*p, *pp;
	long long	 v;
	char		 idhex[65], sha[65], aa[3], *trusted, *s;
	size_t		 n, pn, declared;
	int		 m, kind, c, id;

	if (z->n == FZ_ENTRIES || (m = rd_u8(r)) < 0)
		return 0;
	e = &z->e[z->n];
	memset(e, 0, sizeof *e);
	if (!fz_mode(r, m, e) || (c = rd_u8(r)) < 0)
		goto fail;
	pp = rd_take(r, (size_t)c, &pn);
	if ((v = rd_be(r, 2)) < 0)
		goto fail;
	p = rd_take(r, (size_t)v, &n);
	/* Hashes are made when asked for: a blob may have megabytes. */
	if ((id = z->have_last && memmem(p, n, "$ID", 3) != NULL))
		util_sha256_hex(idhex, z->last.b, z->last.len);
	buf_subst(&content, p, n, "$ID", id ? idhex : NULL);
	if (m & 0x80) {
		if ((v = rd_be(r, 3)) < 0 || (c = rd_u8(r)) < 0)
			goto fail;
		if (v > FZ_REPEAT)
			v = FZ_REPEAT;
		if (z->bytes + (size_t)v > FZ_BYTES)
			v = (long long)(FZ_BYTES - z->bytes);
		z->bytes += (size_t)v;
		if (content.len + (size_t)v + 1 > content.cap) {
			content.cap = content.len + (size_t)v + 1;
			content.b = xrealloc(content.b, content.cap);
		}
		memset(content.b + content.len, c, (size_t)v);
		content.len += (size_t)v;
		content.b[content.len] = '\0';
	}
	buf_add(&content, "", 0);
	kind = m >> 3 & 3;
	declared = content.len;
	if (kind == 3) {
		if ((v = rd_be(r, 4)) < 0)
			goto fail;
		declared = (size_t)v;
	}
	if (sig) {
		/* The content is the trusted comment of a signature. */
		trusted = xstrndup((const char *)content.b, strlen((const char *)
		    content.b));
		for (s = trusted; *s != '\0'; s++)
			if (*s == '\r' || *s == '\n')
				*s = '_';
		s = sig_sign(sig == 2 ? &office_sk : &dev_sk, z->have_last ?
		    z->last.b : (const unsigned char *)"", z->have_last ?
		    z->last.len : 0, trusted, "fuzz");
		free(trusted);
		content.len = 0;
		buf_add(&content, s, strlen(s));
		free(s);
		if (kind != 3)
			declared = content.len;
	}
	memset(sha, 0, sizeof sha);
	if (memchr(pp, '$', pn) != NULL || (pn >= 6 && memcmp(pp, "blobs/",
	    6) == 0))
		util_sha256_hex(sha, content.b, content.len);
	memcpy(aa, sha, 2);
	aa[2] = '\0';
	buf_subst(&path, pp, pn, "$SHA", sha);
	buf_add(&path, "", 0);
	e->path = xstrdup((const char *)path.b);	/* cut at a NUL */
	free(path.b);
	path.b = NULL;
	path.len = path.cap = 0;
	buf_subst(&path, (const uint8_t *)e->path, strlen(e->path), "$AA", aa);
	buf_add(&path, "", 0);
	free(e->path);
	e->path = (char *)path.b;
	e->nest = (m & 0x20) != 0;
	e->apart = (m & 0x40) != 0;
	memcpy(e->sha, sha, 65);

	switch (kind) {
	case 1:		/* a tree's raw bytes */
		if (git_odb_hash(&e->oid, content.b, content.len,
		    GIT_OBJECT_TREE) < 0)
			fz_die("hashing");
		mem_put(mem, &e->oid, GIT_OBJECT_TREE, content.b, content.len,
		    content.len);
		break;
	case 2:		/* not in the repository */
		buf_add(&content, "missing", 7);
		if (git_odb_hash(&e->oid, content.b, content.len,
		    GIT_OBJECT_BLOB) < 0)
			fz_die("hashing");
		break;
	default:
		if (git_odb_hash(&e->oid, content.b, content.len,
		    GIT_OBJECT_BLOB) < 0)
			fz_die("hashing");
		mem_put(mem, &e->oid, GIT_OBJECT_BLOB, content.b, content.len,
		    declared);
	}
	e->plain = kind != 1 && kind != 2 && fz_regular(e);
	if (!sig) {
		free(z->last.b);
		z->last = content;
		z->have_last = 1;
	} else
		free(content.b);
	z->n++;		/* the same path twice is kept, as a hostile tree may */
	return 1;
fail:
	free(e->mode);
	free(content.b);
	return 0;
}

static void
fent_clear(struct fent *e)
{
	free(e->path);
	free(e->mode);
}

/* DELETE: the entries of a path leave the tree. */
static int
fz_delete(struct fz *z, struct rd *r)
{
	const uint8_t	*p;
	char		*path;
	size_t		 n, i, j;
	int		 c;

	if ((c = rd_u8(r)) < 0)
		return 0;
	p = rd_take(r, (size_t)c, &n);
	path = fuzz_str(p, n);
	for (i = j = 0; i < z->n; i++) {
		if (strcmp(z->e[i].path, path) == 0)
			fent_clear(&z->e[i]);
		else
			z->e[j++] = z->e[i];
	}
	z->n = j;
	free(path);
	return 1;
}

/* Was path a regular file of a commit (with content of sha)? */
static int
fz_seen(const struct fz *z, const char *path, const char *sha)
{
	size_t	i;

	for (i = 0; i < z->nseen; i++)
		if (z->seen[i].plain && strcmp(z->seen[i].path, path) == 0 &&
		    (sha == NULL || strcmp(z->seen[i].sha, sha) == 0))
			return 1;
	return 0;
}

static void
fz_check(struct fz *z)
{
	struct import_stats	 s;
	sqlite3_stmt		*st;
	const char		*sha;
	char			 path[128];
	size_t			 logged = 0;
	int64_t			 seq;

	if (sqlite3_prepare_v2(dd->db, "SELECT seq FROM records", -1, &st,
	    NULL) != SQLITE_OK)
		fz_die("records");
	while (sqlite3_step(st) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		layout_record_path(path, sizeof path, seq, 0);
		if (!fz_seen(z, path, NULL)) {
			fprintf(stderr, "fuzz_import: record %lld stored, but "
			    "no commit held %s as a file\n", (long long)seq,
			    path);
			abort();
		}
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(dd->db, "SELECT sha256 FROM attachments", -1,
	    &st, NULL) != SQLITE_OK)
		fz_die("attachments");
	while (sqlite3_step(st) == SQLITE_ROW) {
		sha = (const char *)sqlite3_column_text(st, 0);
		snprintf(path, sizeof path, "blobs/%.2s/%s", sha, sha);
		if (!fz_seen(z, path, sha)) {
			fprintf(stderr, "fuzz_import: attachment %s stored, "
			    "but no commit held it at %s\n", sha, path);
			abort();
		}
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(dd->db, "SELECT device, seq FROM records WHERE "
	    "status NOT IN ('fork', 'bad-signature', 'id-mismatch') GROUP BY "
	    "device, seq HAVING count(*) > 1", -1, &st, NULL) != SQLITE_OK)
		fz_die("records");
	if (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(stderr, "fuzz_import: two records of device %s seq %lld "
		    "stored, neither a fork\n", sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
		abort();
	}
	sqlite3_finalize(st);

	/* Importing again from nothing stores nothing new. */
	if (z->failed || z->total.records + z->total.attachments +
	    z->total.roster + z->total.office + z->total.reviews == 0)
		return;
	sqlite3_exec(dd->db, "DELETE FROM sync_state", NULL, NULL, NULL);
	memset(&s, 0, sizeof s);
	if (import_all(dd, repo, "fuzz", fz_log, &logged, &s) == 0 &&
	    s.records + s.attachments + s.roster + s.office + s.reviews != 0) {
		fprintf(stderr, "fuzz_import: importing again stored %lld "
		    "records, %lld attachments, %lld roster entries, %lld "
		    "office files, %lld reviews\n", (long long)s.records,
		    (long long)s.attachments, (long long)s.roster,
		    (long long)s.office, (long long)s.reviews);
		abort();
	}
	error_clear();
	git_error_clear();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 ready;
	struct fz	 z;
	struct fent	*e;
	struct rd	 r = { data, size };
	size_t		 i;
	int		 h, op, pending = 0;

	if (!ready) {
		fz_setup();
		ready = 1;
	}
	if ((h = rd_u8(&r)) < 0)
		return 0;
	memset(&z, 0, sizeof z);
	z.branch = h & 3;
	z.sorted = (h & 8) == 0;
	if (h & 4) {
		e = &z.e[z.n++];
		e->path = xstrdup("device.pub");
		e->mode = xstrdup("100644");
		e->modelen = 6;
		e->plain = 1;
		if (git_odb_hash(&e->oid, dev_pub, strlen(dev_pub),
		    GIT_OBJECT_BLOB) < 0)
			fz_die("hashing");
		mem_put(mem, &e->oid, GIT_OBJECT_BLOB, dev_pub, strlen(dev_pub),
		    strlen(dev_pub));
		pending = 1;
	}
	while (z.gens < FZ_GENS && (op = rd_u8(&r)) >= 0) {
		switch (op & 3) {
		case 0:
			if (!fz_entry(&z, &r, 0))
				goto end;
			pending = 1;
			break;
		case 1:
			fz_commit(&z);
			pending = 0;
			break;
		case 2:
			if (!fz_delete(&z, &r))
				goto end;
			pending = 1;
			break;
		default:
			if (!fz_entry(&z, &r, op & 0x10 ? 2 : 1))
				goto end;
			pending = 1;
		}
	}
end:
	if (z.gens < FZ_GENS && (pending || z.gens == 0))
		fz_commit(&z);
	fz_check(&z);

	for (i = 0; i < z.n; i++)
		fent_clear(&z.e[i]);
	for (i = 0; i < z.nseen; i++)
		free(z.seen[i].path);
	free(z.seen);
	free(z.last.b);
	/* Now, not before the next input: what an input allocates, it frees
	 * (else libFuzzer runs it again, looking for a leak). */
	fz_reset();
	return 0;
}
