#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "core/key.h"
#include "core/sig.h"
#include "core/util.h"
#include "testhelp.h"

static void
test_public_key_file_is_minisign_format(void **state)
{
	struct key_secret	*sk = key_generate();
	struct key_public	 pk, back;
	char			 id[KEY_ID_HEX], *text, *want;

	(void)state;
	key_secret_public(sk, &pk);
	key_id_hex(id, pk.id);
	text = key_public_format(&pk);
	want = xasprintf("untrusted comment: minisign public key %s\n", id);
	assert_memory_equal(text, want, strlen(want));
	/* Line 2: 56 base64 characters of "Ed" || id || pk: "RW" and then
	 * Q, R, S or T, by the top bits of the id's first byte. */
	const char *line = text + strlen(want);
	assert_int_equal(strcspn(line, "\n"), 56);
	assert_memory_equal(line, "RW", 2);
	assert_non_null(strchr("QRST", line[2]));
	assert_int_equal(key_public_parse(text, strlen(text), &back), 0);
	assert_memory_equal(&back, &pk, sizeof pk);
	/* The bare base64 line parses too. */
	assert_int_equal(key_public_parse(line, 56, &back), 0);
	assert_memory_equal(&back, &pk, sizeof pk);
	assert_int_equal(key_public_parse("garbage", 7, &back), LT_EINVAL);
	free(want);
	free(text);
	key_secret_free(sk);
}

static void
test_key_id_prints_like_minisign(void **state)
{
	unsigned char	id[KEY_ID_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 0xab };
	unsigned char	back[KEY_ID_BYTES];
	char		hex[KEY_ID_HEX];

	(void)state;
	/* minisign prints the id as a little-endian 64-bit number. */
	key_id_hex(hex, id);
	assert_string_equal(hex, "AB07060504030201");
	assert_int_equal(key_id_parse(back, hex), 0);
	assert_memory_equal(back, id, KEY_ID_BYTES);
}

static void
test_sealed_key_opens_with_its_passphrase_only(void **state)
{
	struct key_secret	*sk = key_generate(), *back = NULL;
	char			*sealed;

	(void)state;
	assert_int_equal(key_secret_seal(sk, "pass", 4, &sealed), 0);
	assert_non_null(strstr(sealed, "untrusted comment: lantian encrypted "
	    "secret key"));
	assert_int_equal(key_secret_open(sealed, strlen(sealed), "pasS", 4,
	    &back), LT_EPASS);
	assert_null(back);
	assert_int_equal(key_secret_open(sealed, strlen(sealed), "pass", 4,
	    &back), 0);
	assert_memory_equal(back->id, sk->id, KEY_ID_BYTES);
	assert_memory_equal(back->sk, sk->sk, KEY_SK_BYTES);
	/* The seed does not appear in the file in any plain form. */
	char *b64 = xmalloc(200);
	sodium_bin2base64(b64, 200, sk->sk, 32, sodium_base64_VARIANT_ORIGINAL);
	assert_null(strstr(sealed, b64));
	free(b64);
	key_secret_free(back);
	free(sealed);
	key_secret_free(sk);
}

static void
test_sealed_key_rejects_damage(void **state)
{
	struct key_secret	*sk = key_generate(), *back = NULL;
	char			*sealed, *nl;

	(void)state;
	assert_int_equal(key_secret_seal(sk, "pass", 4, &sealed), 0);
	nl = strchr(sealed, '\n') + 1;
	nl[60] = nl[60] == 'A' ? 'B' : 'A';	/* inside the box */
	assert_int_not_equal(key_secret_open(sealed, strlen(sealed), "pass",
	    4, &back), 0);
	assert_null(back);
	assert_int_equal(key_secret_open("untrusted comment: x\nRWQ=\n", 25,
	    "pass", 4, &back), LT_EINVAL);
	free(sealed);
	key_secret_free(sk);
}

static void
test_signature_verifies_and_names_what_fails(void **state)
{
	struct key_secret	*sk = key_generate(), *other = key_generate();
	struct key_public	 pk, opk;
	struct sig		 s;
	const char		*msg = "{\"a\":1}\n";
	char			*text, *bad;

	(void)state;
	key_secret_public(sk, &pk);
	key_secret_public(other, &opk);
	text = sig_sign(sk, msg, strlen(msg), "lantian inspection id=x", "u");
	assert_int_equal(sig_parse(text, strlen(text), &s), 0);
	assert_memory_equal(s.alg, "ED", 2);
	assert_string_equal(s.trusted, "lantian inspection id=x");
	assert_string_equal(s.untrusted, "u");
	assert_int_equal(sig_verify(&s, &pk, msg, strlen(msg)), 0);
	assert_int_equal(sig_verify(&s, &pk, "{\"a\":2}\n", 8), LT_ESIG);
	assert_non_null(strstr(error_msg(), "does not match"));
	assert_int_equal(sig_verify(&s, &opk, msg, strlen(msg)), LT_ESIG);
	assert_non_null(strstr(error_msg(), "made by key"));
	sig_clear(&s);

	/* An altered trusted comment breaks the global signature. */
	bad = xstrdup(text);
	char *tc = strstr(bad, "id=x");
	tc[3] = 'y';
	assert_int_equal(sig_parse(bad, strlen(bad), &s), 0);
	assert_int_equal(sig_verify(&s, &pk, msg, strlen(msg)), LT_ESIG);
	assert_non_null(strstr(error_msg(), "trusted comment"));
	sig_clear(&s);
	free(bad);
	free(text);
	key_secret_free(sk);
	key_secret_free(other);
}

static void
test_legacy_signature_is_read(void **state)
{
	struct key_secret	*sk = key_generate();
	struct key_public	 pk;
	struct sig		 s;
	unsigned char		 bin[74], global[64 + 4];
	char			 b64[200], gb64[200], *text;

	(void)state;
	key_secret_public(sk, &pk);
	/* minisign's legacy "Ed": Ed25519 over the raw message. */
	memcpy(bin, "Ed", 2);
	memcpy(bin + 2, sk->id, 8);
	crypto_sign_detached(bin + 10, NULL, (const unsigned char *)"hi", 2,
	    sk->sk);
	memcpy(global, bin + 10, 64);
	memcpy(global + 64, "tc", 2);
	unsigned char gsig[64];
	crypto_sign_detached(gsig, NULL, global, 66, sk->sk);
	sodium_bin2base64(b64, sizeof b64, bin, 74,
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(gb64, sizeof gb64, gsig, 64,
	    sodium_base64_VARIANT_ORIGINAL);
	text = xasprintf("untrusted comment: x\n%s\ntrusted comment: tc\n%s\n",
	    b64, gb64);
	assert_int_equal(sig_parse(text, strlen(text), &s), 0);
	assert_int_equal(sig_verify(&s, &pk, "hi", 2), 0);
	assert_int_equal(sig_verify(&s, &pk, "ho", 2), LT_ESIG);
	sig_clear(&s);
	free(text);
	key_secret_free(sk);
}

static void
test_malformed_signature_files_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"untrusted comment: x\n",
		"no comment\nRUR=\ntrusted comment: t\nAAAA\n",
		"untrusted comment: x\nnot base64!\ntrusted comment: t\nAAAA\n",
		"untrusted comment: x\nRUR=\nuntrusted comment: t\nAAAA\n",
	};
	struct sig	s;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sig_parse(bad[i], strlen(bad[i]), &s),
		    LT_EINVAL);
		sig_clear(&s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_key_file_is_minisign_format),
		cmocka_unit_test(test_key_id_prints_like_minisign),
		cmocka_unit_test(test_sealed_key_opens_with_its_passphrase_only),
		cmocka_unit_test(test_sealed_key_rejects_damage),
		cmocka_unit_test(test_signature_verifies_and_names_what_fails),
		cmocka_unit_test(test_legacy_signature_is_read),
		cmocka_unit_test(test_malformed_signature_files_are_refused),
	};

	if (util_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
