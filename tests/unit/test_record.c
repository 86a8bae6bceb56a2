#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/sig.h"
#include "core/util.h"
#include "testhelp.h"

/* Make the device's next "site" record in its own transaction. */
static void
make(struct datadir *dd, struct key_secret *sk, struct record *r)
{
	json_t	*fields;

	fields = json_pack("{s:{s:s, s:s}, s:s}", "inspector", "name", "测试员",
	    "badge", "T-001", "site", "S1");
	assert_int_equal(db_begin(dd->db), 0);
	assert_int_equal(record_create(dd->db, sk, "site", fields, r), 0);
	assert_int_equal(db_commit(dd->db), 0);
	json_decref(fields);
}

static void
test_records_chain_and_sign(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct key_public	 pk;
	struct record		 a, b;
	struct sig		 s;
	char			*tmp, id[65], *tc;

	(void)state;
	th_store(&tmp, &dd, &sk);
	key_secret_public(sk, &pk);
	make(dd, sk, &a);
	make(dd, sk, &b);
	assert_int_equal(a.seq, 1);
	assert_string_equal(a.prev, "");
	assert_true(json_is_null(json_object_get(a.doc, "prev")));
	assert_int_equal(b.seq, 2);
	assert_string_equal(b.prev, a.id);
	/* id is the SHA-256 of the exact bytes. */
	util_sha256_hex(id, b.body, b.len);
	assert_string_equal(id, b.id);
	assert_int_equal(b.body[b.len - 1], '\n');
	/* The signature is minisign's, with lantian's trusted comment. */
	assert_int_equal(sig_parse(b.sig, strlen(b.sig), &s), 0);
	assert_int_equal(sig_verify(&s, &pk, b.body, b.len), 0);
	tc = xasprintf("lantian site id=%s device=%s seq=2", b.id, b.device);
	assert_string_equal(s.trusted, tc);
	free(tc);
	sig_clear(&s);
	/* The next record continues from the head. */
	struct record c;
	make(dd, sk, &c);
	assert_int_equal(c.seq, 3);
	assert_string_equal(c.prev, b.id);
	record_clear(&c);
	record_clear(&a);
	record_clear(&b);
	th_store_free(tmp, dd, sk);
}

static void
test_record_fields_come_in_order(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 a;
	char			*tmp;

	(void)state;
	th_store(&tmp, &dd, &sk);
	make(dd, sk, &a);
	const char *head = "{\"type\":\"site\",\"format\":1,\"device\":\"";
	assert_memory_equal(a.body, head, strlen(head));
	assert_non_null(strstr(a.body, "\"seq\":1,\"prev\":null,\"created\":"));
	assert_non_null(strstr(a.body, "\"inspector\":{\"name\":\"测试员\","
	    "\"badge\":\"T-001\"},\"site\":\"S1\"}"));
	record_clear(&a);
	th_store_free(tmp, dd, sk);
}

static void
test_parse_refuses_malformed_records(void **state)
{
	static const char *const bad[] = {
		"[1]",
		"{\"type\":\"x\",\"format\":1}",
		"{\"type\":\"site\",\"format\":2}",
		"{\"type\":\"site\",\"format\":1,\"device\":\"abc\"}",
		"{\"type\":\"site\",\"format\":1,\"device\":\"0123456789ABCDEF\","
		"\"seq\":0}",
		"{\"type\":\"site\",\"format\":1,\"device\":\"0123456789ABCDEF\","
		"\"seq\":2,\"prev\":null}",
		"{\"type\":\"site\",\"format\":1,\"device\":\"0123456789ABCDEF\","
		"\"seq\":1,\"prev\":null,\"created\":\"yesterday\"}",
		"{\"type\":\"site\",\"format\":1,\"device\":\"0123456789ABCDEF\","
		"\"seq\":1,\"prev\":null,\"created\":\"2026-01-01T00:00:00Z\"}",
		"{\"type\":\"inspection\",\"format\":1,\"device\":"
		"\"0123456789ABCDEF\",\"seq\":1,\"prev\":null,\"created\":"
		"\"2026-01-01T00:00:00Z\",\"inspector\":{\"name\":\"a\","
		"\"badge\":\"b\"}}",
		"{\"type\":\"site\",\"type\":\"site\"}",
		"not json",
	};
	struct record	r;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_not_equal(record_parse(&r, bad[i], strlen(bad[i])),
		    0);
		assert_null(r.doc);
	}
	const char *good = "{\"type\":\"site\",\"format\":1,\"device\":"
	    "\"0123456789ABCDEF\",\"seq\":1,\"prev\":null,\"created\":"
	    "\"2026-01-01T00:00:00Z\",\"inspector\":{\"name\":\"a\","
	    "\"badge\":\"b\"}}";
	assert_int_equal(record_parse(&r, good, strlen(good)), 0);
	record_clear(&r);
}

static void
test_parse_refuses_oversized_records(void **state)
{
	struct record	r;
	char		*big = xmalloc(RECORD_MAX + 2);

	(void)state;
	memset(big, ' ', RECORD_MAX + 1);
	big[0] = '{';
	big[RECORD_MAX] = '}';
	assert_int_equal(record_parse(&r, big, RECORD_MAX + 1), LT_ETOOBIG);
	free(big);
}

static void
test_store_refuses_a_duplicate(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 a;
	char			*tmp;

	(void)state;
	th_store(&tmp, &dd, &sk);
	make(dd, sk, &a);
	assert_int_equal(record_store(dd->db, &a, RECORD_SIGNED, NULL),
	    LT_EEXISTS);
	record_clear(&a);
	th_store_free(tmp, dd, sk);
}

static void
test_load_by_prefix(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 a, got;
	char			*tmp, prefix[13];

	(void)state;
	th_store(&tmp, &dd, &sk);
	make(dd, sk, &a);
	memcpy(prefix, a.id, 12);
	prefix[12] = '\0';
	assert_int_equal(record_load(dd->db, prefix, &got), 0);
	assert_string_equal(got.id, a.id);
	assert_int_equal(got.len, a.len);
	assert_memory_equal(got.body, a.body, a.len);
	assert_string_equal(got.sig, a.sig);
	assert_string_equal(got.status, RECORD_SIGNED);
	record_clear(&got);
	assert_int_equal(record_load(dd->db, "00000000", &got), LT_ENOTFOUND);
	assert_int_equal(record_load(dd->db, "abc", &got), LT_EINVAL);
	assert_int_equal(record_load(dd->db, "'; DROP TABLE records; --",
	    &got), LT_EINVAL);
	record_clear(&a);
	th_store_free(tmp, dd, sk);
}

static void
test_text_falls_back_to_the_other_language(void **state)
{
	json_t	*both = json_pack("{s:s, s:s}", "zh", "燃煤", "en", "Coal");
	json_t	*zh = json_pack("{s:s}", "zh", "燃煤");

	(void)state;
	assert_string_equal(record_text(both, "en"), "Coal");
	assert_string_equal(record_text(both, "zh"), "燃煤");
	assert_string_equal(record_text(zh, "en"), "燃煤");
	assert_string_equal(record_text(NULL, "en"), "");
	json_decref(both);
	json_decref(zh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_chain_and_sign),
		cmocka_unit_test(test_record_fields_come_in_order),
		cmocka_unit_test(test_parse_refuses_malformed_records),
		cmocka_unit_test(test_parse_refuses_oversized_records),
		cmocka_unit_test(test_store_refuses_a_duplicate),
		cmocka_unit_test(test_load_by_prefix),
		cmocka_unit_test(test_text_falls_back_to_the_other_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
