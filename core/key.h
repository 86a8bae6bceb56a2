/*
 * Ed25519 keys in minisign's formats.  A key id is 8 random bytes, shown as
 * 16 hex digits (minisign prints them the same way, most significant byte
 * last: we keep the bytes in file order and print them reversed, as
 * minisign does).
 *
 * Secret keys live in sodium_malloc'd memory while unlocked and are wiped
 * by key_secret_free().  At rest they are sealed with a passphrase:
 * Argon2id (crypto_pwhash) derives a key for crypto_secretbox.
 */
#ifndef LANTIAN_KEY_H
#define LANTIAN_KEY_H

#include <stddef.h>

#define KEY_ID_BYTES	8
#define KEY_PK_BYTES	32
#define KEY_SK_BYTES	64
#define KEY_ID_HEX	(2 * KEY_ID_BYTES + 1)

struct key_public {
	unsigned char	id[KEY_ID_BYTES];	/* key id, file order */
	unsigned char	pk[KEY_PK_BYTES];	/* Ed25519 public key */
};

struct key_secret {
	unsigned char	id[KEY_ID_BYTES];	/* key id, file order */
	unsigned char	sk[KEY_SK_BYTES];	/* seed || public key */
};

/*
 * Secret keys live in sodium_malloc'd memory (guarded, locked, wiped when
 * freed), and while any is unlocked the process cannot dump core
 * (PR_SET_DUMPABLE 0).  How many are unlocked now:
 */
int key_live_count(void);

/* A new random key in locked memory; free with key_secret_free(). */
struct key_secret *key_generate(void);
/* Wipe and free; NULL is fine. */
void key_secret_free(struct key_secret *sk);
/* The public half. */
void key_secret_public(const struct key_secret *sk, struct key_public *out);

/* The key id as minisign prints it (16 uppercase hex digits). */
void key_id_hex(char out[KEY_ID_HEX], const unsigned char id[KEY_ID_BYTES]);
/* Parse a key id as key_id_hex() writes it (either case). */
int key_id_parse(unsigned char id[KEY_ID_BYTES], const char *hex);

/* The minisign public key file (two lines); the caller frees it. */
char *key_public_format(const struct key_public *pk);
/* The base64 line alone (56 characters); the caller frees it. */
char *key_public_base64(const struct key_public *pk);
/* Parse a minisign public key file or its bare base64 line. */
int key_public_parse(const char *text, size_t len, struct key_public *out);

/*
 * Seal a secret key with a passphrase into lantian's key file text:
 *   untrusted comment: lantian encrypted secret key <ID>
 *   base64("Ed" "A2" salt[16] opslimit[8] memlimit[8] nonce[24]
 *          secretbox(key id[8] || sk[64]))
 */
int key_secret_seal(const struct key_secret *sk, const char *pass,
    size_t passlen, char **out);
/* Open a sealed key; LT_EPASS when the passphrase is wrong. */
int key_secret_open(const char *text, size_t len, const char *pass,
    size_t passlen, struct key_secret **out);

#endif
