#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <sodium.h>

#include "error.h"
#include "key.h"
#include "util.h"

#define KEY_SALT_BYTES	crypto_pwhash_SALTBYTES		/* 16 */
#define KEY_SEALED_PLAIN	(KEY_ID_BYTES + KEY_SK_BYTES)
#define KEY_SEALED_BYTES	(2 + 2 + KEY_SALT_BYTES + 8 + 8 + \
	crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + \
	KEY_SEALED_PLAIN)

/*
 * No core dump while a secret key is in memory: the process is made
 * non-dumpable when the first one is unlocked (or a sealed one is being
 * opened) and dumpable as it was when the last one is freed.  A core file
 * or a ptrace attach (without privilege) then cannot read it.
 */
static atomic_int	key_live;
static int		key_was_dumpable = 1;

static void
key_guard(int delta)
{
	int	now = atomic_fetch_add(&key_live, delta) + delta;

	if (delta > 0 && now == 1) {
		key_was_dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	} else if (delta < 0 && now == 0 && key_was_dumpable > 0)
		prctl(PR_SET_DUMPABLE, key_was_dumpable, 0, 0, 0);
}

int
key_live_count(void)
{
	return atomic_load(&key_live);
}

struct key_secret *
key_generate(void)
{
	struct key_secret	*sk;
	unsigned char		 pk[KEY_PK_BYTES];

	key_guard(1);
	if ((sk = sodium_malloc(sizeof *sk)) == NULL)
		util_fatal("out of secure memory");
	randombytes_buf(sk->id, sizeof sk->id);
	crypto_sign_keypair(pk, sk->sk);
	return sk;
}

void
key_secret_free(struct key_secret *sk)
{
	if (sk != NULL) {
		sodium_free(sk);	/* zeroes the memory first */
		key_guard(-1);
	}
}

void
key_secret_public(const struct key_secret *sk, struct key_public *out)
{
	memcpy(out->id, sk->id, KEY_ID_BYTES);
	crypto_sign_ed25519_sk_to_pk(out->pk, sk->sk);
}

void
key_id_hex(char out[KEY_ID_HEX], const unsigned char id[KEY_ID_BYTES])
{
	static const char	digits[] = "0123456789ABCDEF";
	int			i;

	/* minisign prints the id as a little-endian 64-bit number. */
	for (i = 0; i < KEY_ID_BYTES; i++) {
		out[2 * i] = digits[id[KEY_ID_BYTES - 1 - i] >> 4];
		out[2 * i + 1] = digits[id[KEY_ID_BYTES - 1 - i] & 0xf];
	}
	out[2 * KEY_ID_BYTES] = '\0';
}

int
key_id_parse(unsigned char id[KEY_ID_BYTES], const char *hex)
{
	unsigned char	be[KEY_ID_BYTES];
	int		i;

	if (util_unhex(be, KEY_ID_BYTES, hex) != 0)
		return error_set(LT_EINVAL, "%s: not a key id (16 hex digits)",
		    hex);
	for (i = 0; i < KEY_ID_BYTES; i++)
		id[i] = be[KEY_ID_BYTES - 1 - i];
	return 0;
}

char *
key_public_base64(const struct key_public *pk)
{
	unsigned char	bin[2 + KEY_ID_BYTES + KEY_PK_BYTES];

	bin[0] = 'E';
	bin[1] = 'd';
	memcpy(bin + 2, pk->id, KEY_ID_BYTES);
	memcpy(bin + 2 + KEY_ID_BYTES, pk->pk, KEY_PK_BYTES);
	return util_base64(bin, sizeof bin);
}

char *
key_public_format(const struct key_public *pk)
{
	char	 id[KEY_ID_HEX], *b64, *out;

	key_id_hex(id, pk->id);
	b64 = key_public_base64(pk);
	out = xasprintf("untrusted comment: minisign public key %s\n%s\n", id,
	    b64);
	free(b64);
	return out;
}

/* The line after "untrusted comment:" or the text itself if it has none. */
static int
key_payload_line(const char *text, size_t len, const char **line,
    size_t *linelen)
{
	const char	*p = text, *end = text + len, *nl;

	if (len >= 18 && memcmp(text, "untrusted comment:", 18) == 0) {
		if ((nl = memchr(p, '\n', len)) == NULL)
			return LT_EINVAL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*line = p;
	*linelen = (size_t)((nl != NULL ? nl : end) - p);
	if (*linelen > 0 && p[*linelen - 1] == '\r')
		(*linelen)--;
	return 0;
}

int
key_public_parse(const char *text, size_t len, struct key_public *out)
{
	unsigned char	 bin[2 + KEY_ID_BYTES + KEY_PK_BYTES];
	const char	*line;
	size_t		 linelen;

	if (key_payload_line(text, len, &line, &linelen) != 0 ||
	    util_unbase64(bin, sizeof bin, line, linelen) != 0)
		return error_set(LT_EINVAL, "public key: not a minisign "
		    "public key");
	if (bin[0] != 'E' || bin[1] != 'd')
		return error_set(LT_EINVAL, "public key: not an Ed25519 key");
	memcpy(out->id, bin + 2, KEY_ID_BYTES);
	memcpy(out->pk, bin + 2 + KEY_ID_BYTES, KEY_PK_BYTES);
	return 0;
}

static void
key_put64(unsigned char *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
key_get64(const unsigned char *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Derive the secretbox key; 0 or LT_ECRYPTO (too little memory). */
static int
key_derive(unsigned char *k, const char *pass, size_t passlen,
    const unsigned char *salt, uint64_t ops, uint64_t mem)
{
	if (crypto_pwhash(k, crypto_secretbox_KEYBYTES, pass, passlen, salt,
	    ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return error_set(LT_ECRYPTO, "secret key: the key derivation "
		    "ran out of memory");
	return 0;
}

int
key_secret_seal(const struct key_secret *sk, const char *pass, size_t passlen,
    char **out)
{
	unsigned char	 bin[KEY_SEALED_BYTES], *salt, *nonce, *box;
	unsigned char	*k, *plain;
	uint64_t	 ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	uint64_t	 mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	char		 id[KEY_ID_HEX], *b64;
	int		 rc;

	memcpy(bin, "EdA2", 4);
	salt = bin + 4;
	randombytes_buf(salt, KEY_SALT_BYTES);
	key_put64(salt + KEY_SALT_BYTES, ops);
	key_put64(salt + KEY_SALT_BYTES + 8, mem);
	nonce = salt + KEY_SALT_BYTES + 16;
	randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
	box = nonce + crypto_secretbox_NONCEBYTES;

	if ((k = sodium_malloc(crypto_secretbox_KEYBYTES +
	    KEY_SEALED_PLAIN)) == NULL)
		util_fatal("out of secure memory");
	plain = k + crypto_secretbox_KEYBYTES;
	if ((rc = key_derive(k, pass, passlen, salt, ops, mem)) != 0)
		goto cleanup;
	memcpy(plain, sk->id, KEY_ID_BYTES);
	memcpy(plain + KEY_ID_BYTES, sk->sk, KEY_SK_BYTES);
	crypto_secretbox_easy(box, plain, KEY_SEALED_PLAIN, nonce, k);

	key_id_hex(id, sk->id);
	b64 = util_base64(bin, sizeof bin);
	*out = xasprintf("untrusted comment: lantian encrypted secret key "
	    "%s\n%s\n", id, b64);
	free(b64);
cleanup:
	sodium_free(k);
	return rc;
}

int
key_secret_open(const char *text, size_t len, const char *pass,
    size_t passlen, struct key_secret **out)
{
	unsigned char		 bin[KEY_SEALED_BYTES], *salt, *nonce, *box;
	unsigned char		*k, *plain;
	struct key_secret	*sk;
	const char		*line;
	size_t			 linelen;
	uint64_t		 ops, mem;
	int			 rc;

	if (key_payload_line(text, len, &line, &linelen) != 0 ||
	    util_unbase64(bin, sizeof bin, line, linelen) != 0 ||
	    memcmp(bin, "EdA2", 4) != 0)
		return error_set(LT_EINVAL, "secret key: not a lantian "
		    "secret key file");
	salt = bin + 4;
	ops = key_get64(salt + KEY_SALT_BYTES);
	mem = key_get64(salt + KEY_SALT_BYTES + 8);
	if (ops < crypto_pwhash_OPSLIMIT_MIN ||
	    ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
	    mem < crypto_pwhash_MEMLIMIT_MIN ||
	    mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
		return error_set(LT_EINVAL, "secret key: unreasonable key "
		    "derivation parameters");
	nonce = salt + KEY_SALT_BYTES + 16;
	box = nonce + crypto_secretbox_NONCEBYTES;

	key_guard(1);	/* the key's bytes are about to be in memory */
	if ((k = sodium_malloc(crypto_secretbox_KEYBYTES +
	    KEY_SEALED_PLAIN)) == NULL)
		util_fatal("out of secure memory");
	plain = k + crypto_secretbox_KEYBYTES;
	if ((rc = key_derive(k, pass, passlen, salt, ops, mem)) != 0)
		goto cleanup;
	if (crypto_secretbox_open_easy(plain, box, KEY_SEALED_PLAIN +
	    crypto_secretbox_MACBYTES, nonce, k) != 0) {
		rc = error_set(LT_EPASS, "secret key: wrong passphrase");
		goto cleanup;
	}
	if ((sk = sodium_malloc(sizeof *sk)) == NULL)
		util_fatal("out of secure memory");
	memcpy(sk->id, plain, KEY_ID_BYTES);
	memcpy(sk->sk, plain + KEY_ID_BYTES, KEY_SK_BYTES);
	*out = sk;
cleanup:
	sodium_free(k);
	if (rc != 0)
		key_guard(-1);	/* nothing of it is left */
	return rc;
}
