#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "sig.h"
#include "util.h"

#define SIG_BIN_BYTES	(2 + KEY_ID_BYTES + 64)
#define SIG_UNTRUSTED	"untrusted comment: "
#define SIG_TRUSTED	"trusted comment: "

/* Ed25519 over the unkeyed BLAKE2b-512 of msg. */
static void
sig_prehash(unsigned char h[crypto_generichash_BYTES_MAX], const void *msg,
    size_t len)
{
	crypto_generichash(h, crypto_generichash_BYTES_MAX, msg, len, NULL, 0);
}

char *
sig_sign(const struct key_secret *sk, const void *msg, size_t len,
    const char *trusted, const char *untrusted)
{
	unsigned char	 h[crypto_generichash_BYTES_MAX];
	unsigned char	 bin[SIG_BIN_BYTES], global[64], *gm;
	size_t		 tlen = strlen(trusted);
	char		*b64, *gb64, *out;

	sig_prehash(h, msg, len);
	bin[0] = 'E';
	bin[1] = 'D';
	memcpy(bin + 2, sk->id, KEY_ID_BYTES);
	crypto_sign_detached(bin + 2 + KEY_ID_BYTES, NULL, h, sizeof h, sk->sk);

	gm = xmalloc(64 + tlen);
	memcpy(gm, bin + 2 + KEY_ID_BYTES, 64);
	memcpy(gm + 64, trusted, tlen);
	crypto_sign_detached(global, NULL, gm, 64 + tlen, sk->sk);
	free(gm);

	b64 = util_base64(bin, sizeof bin);
	gb64 = util_base64(global, sizeof global);
	out = xasprintf(SIG_UNTRUSTED "%s\n%s\n" SIG_TRUSTED "%s\n%s\n",
	    untrusted, b64, trusted, gb64);
	free(b64);
	free(gb64);
	return out;
}

/* Split the next line off *p (CR LF or LF); NULL at the end. */
static const char *
sig_line(const char **p, const char *end, size_t *len)
{
	const char	*start = *p, *nl;

	if (start >= end)
		return NULL;
	nl = memchr(start, '\n', (size_t)(end - start));
	*p = nl != NULL ? nl + 1 : end;
	*len = (size_t)((nl != NULL ? nl : end) - start);
	if (*len > 0 && start[*len - 1] == '\r')
		(*len)--;
	return start;
}

int
sig_parse(const char *text, size_t len, struct sig *out)
{
	const char	*p = text, *end = text + len, *l[4];
	unsigned char	 bin[SIG_BIN_BYTES];
	size_t		 n[4], ul = strlen(SIG_UNTRUSTED), tl = strlen(SIG_TRUSTED);
	int		 i;

	memset(out, 0, sizeof *out);
	if (len > SIG_MAX_FILE)
		return error_set(LT_EINVAL, "signature: file too large");
	for (i = 0; i < 4; i++) {
		if ((l[i] = sig_line(&p, end, &n[i])) == NULL)
			return error_set(LT_EINVAL, "signature: truncated "
			    "(%d of 4 lines)", i);
	}
	if (n[0] < ul || memcmp(l[0], SIG_UNTRUSTED, ul) != 0)
		return error_set(LT_EINVAL, "signature: no untrusted comment");
	if (n[2] < tl || memcmp(l[2], SIG_TRUSTED, tl) != 0)
		return error_set(LT_EINVAL, "signature: no trusted comment");
	if (util_unbase64(bin, sizeof bin, l[1], n[1]) != 0)
		return error_set(LT_EINVAL, "signature: malformed signature "
		    "line");
	if (!(bin[0] == 'E' && (bin[1] == 'D' || bin[1] == 'd')))
		return error_set(LT_EINVAL, "signature: unknown algorithm");
	if (util_unbase64(out->global, sizeof out->global, l[3], n[3]) != 0)
		return error_set(LT_EINVAL, "signature: malformed global "
		    "signature line");
	memcpy(out->alg, bin, 2);
	memcpy(out->id, bin + 2, KEY_ID_BYTES);
	memcpy(out->sig, bin + 2 + KEY_ID_BYTES, 64);
	out->untrusted = xstrndup(l[0] + ul, n[0] - ul);
	out->trusted = xstrndup(l[2] + tl, n[2] - tl);
	return 0;
}

void
sig_clear(struct sig *s)
{
	free(s->untrusted);
	free(s->trusted);
	s->untrusted = s->trusted = NULL;
}

int
sig_verify(const struct sig *s, const struct key_public *pk, const void *msg,
    size_t len)
{
	unsigned char	 h[crypto_generichash_BYTES_MAX], *gm;
	size_t		 tlen = strlen(s->trusted);
	char		 want[KEY_ID_HEX], got[KEY_ID_HEX];
	int		 bad;

	if (memcmp(s->id, pk->id, KEY_ID_BYTES) != 0) {
		key_id_hex(want, pk->id);
		key_id_hex(got, s->id);
		return error_set(LT_ESIG, "signature: made by key %s, not %s",
		    got, want);
	}
	if (s->alg[1] == 'D') {
		sig_prehash(h, msg, len);
		bad = crypto_sign_verify_detached(s->sig, h, sizeof h, pk->pk);
	} else
		bad = crypto_sign_verify_detached(s->sig, msg, len, pk->pk);
	if (bad)
		return error_set(LT_ESIG, "signature: does not match the data");

	gm = xmalloc(64 + tlen);
	memcpy(gm, s->sig, 64);
	memcpy(gm + 64, s->trusted, tlen);
	bad = crypto_sign_verify_detached(s->global, gm, 64 + tlen, pk->pk);
	free(gm);
	if (bad)
		return error_set(LT_ESIG, "signature: trusted comment altered");
	return 0;
}
