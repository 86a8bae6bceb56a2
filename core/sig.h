/*
 * minisign signature files: prehashed "ED" signatures (Ed25519 over the
 * BLAKE2b-512 of the message) with a trusted comment covered by a global
 * signature.  Legacy "Ed" signatures are read and verified, never written.
 */
#ifndef LANTIAN_SIG_H
#define LANTIAN_SIG_H

#include <stddef.h>

#include "key.h"

#define SIG_MAX_FILE	(16 * 1024)

struct sig {
	unsigned char	 alg[2];		/* "ED" or legacy "Ed" */
	unsigned char	 id[KEY_ID_BYTES];	/* signer's key id */
	unsigned char	 sig[64];		/* signature of the message */
	unsigned char	 global[64];		/* over sig || trusted */
	char		*untrusted;		/* untrusted comment text */
	char		*trusted;		/* trusted comment text */
};

/*
 * Sign msg and return the whole signature file text (four lines); the
 * caller frees it.  trusted and untrusted must not contain CR or LF.
 */
char *sig_sign(const struct key_secret *sk, const void *msg, size_t len,
    const char *trusted, const char *untrusted);

/* Parse a signature file; free its strings with sig_clear(). */
int sig_parse(const char *text, size_t len, struct sig *out);
void sig_clear(struct sig *s);

/*
 * Check the key id, the signature of msg and the global signature over the
 * trusted comment.  0, or LT_ESIG with a message saying which part failed.
 */
int sig_verify(const struct sig *s, const struct key_public *pk,
    const void *msg, size_t len);

#endif
