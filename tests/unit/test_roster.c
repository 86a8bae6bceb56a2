#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/sig.h"
#include "core/trust.h"
#include "core/util.h"
#include "testhelp.h"

struct fixture {
	char			*tmp;
	struct datadir		*dd;
	struct key_secret	*sk;		/* the device's key */
	struct key_secret	*office;	/* the office's key */
	struct key_public	 office_pk;
	char			 device[KEY_ID_HEX];
};

/* A store with a device key, and an office key not trusted yet. */
static int
setup(void **state)
{
	struct fixture		*fx = xcalloc(1, sizeof *fx);
	struct key_public	 pk;

	unsetenv("LANTIAN_NOW");
	th_store(&fx->tmp, &fx->dd, &fx->sk);
	fx->office = key_generate();
	key_secret_public(fx->office, &fx->office_pk);
	key_secret_public(fx->sk, &pk);
	key_id_hex(fx->device, pk.id);
	*state = fx;
	return 0;
}

/* Remove what setup made. */
static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	unsetenv("LANTIAN_NOW");
	key_secret_free(fx->office);
	th_store_free(fx->tmp, fx->dd, fx->sk);
	free(fx);
	return 0;
}

/* A roster entry for the public key of sk, signed by office. */
static void
entry(const struct key_secret *office, const struct key_secret *sk,
    const char *from, const char *revoked, const char *issued, char **body,
    size_t *len, char **sig)
{
	struct roster_entry	 f;
	struct key_public	 pk;

	memset(&f, 0, sizeof f);
	key_secret_public(sk, &pk);
	f.pubkey = key_public_base64(&pk);
	f.name = "测试员";
	f.badge = "T-001";
	snprintf(f.valid_from, sizeof f.valid_from, "%s", from);
	snprintf(f.revoked_at, sizeof f.revoked_at, "%s",
	    revoked != NULL ? revoked : "");
	snprintf(f.issued, sizeof f.issued, "%s", issued);
	assert_int_equal(roster_sign(office, &f, body, len, sig), 0);
	free(f.pubkey);
}

/* Sign and accept an entry in a transaction; *stored as accept says. */
static int
take(struct fixture *fx, const struct key_secret *office,
    const struct key_secret *sk, const char *from, const char *revoked,
    const char *issued, int *stored)
{
	char	*body, *sig;
	size_t	 len;
	int	 rc;

	entry(office, sk, from, revoked, issued, &body, &len, &sig);
	assert_int_equal(db_begin(fx->dd->db), 0);
	rc = roster_accept(fx->dd->db, body, len, sig, stored);
	if (rc == 0)
		assert_int_equal(db_commit(fx->dd->db), 0);
	else
		db_rollback(fx->dd->db);
	free(body);
	free(sig);
	return rc;
}

/* A record of sk made at the time now. */
static void
record_at(struct fixture *fx, const struct key_secret *sk, const char *now,
    struct record *r)
{
	json_t	*fields;

	setenv("LANTIAN_NOW", now, 1);
	fields = json_pack("{s:{s:s, s:s}}", "inspector", "name", "测试员",
	    "badge", "T-001");
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(record_create(fx->dd->db, sk, "site", fields, r), 0);
	assert_int_equal(db_commit(fx->dd->db), 0);
	json_decref(fields);
	unsetenv("LANTIAN_NOW");
}

/*
 * The stored status and why of a record, which must also be what
 * trust_status() says of it (the trigger and the refresh agree with it).
 */
static void
status_is(struct fixture *fx, const struct record *r, const char *want,
    const char *want_why)
{
	sqlite3_stmt	*st;
	const char	*got, *why, *s, *w;

	assert_int_equal(db_prepare(fx->dd->db, &st, "SELECT status, "
	    "status_why FROM records WHERE id = ?1"), 0);
	db_bind_text(st, 1, r->id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	got = (const char *)sqlite3_column_text(st, 0);
	why = (const char *)sqlite3_column_text(st, 1);
	assert_string_equal(got, want);
	if (want_why == NULL)
		assert_null(why);
	else {
		assert_non_null(why);
		assert_string_equal(why, want_why);
	}
	assert_int_equal(trust_status(fx->dd->db, r->device, r->created,
	    r->office_state, &s, &w), 0);
	assert_string_equal(s, got);
	if (w == NULL)
		assert_null(why);
	else
		assert_string_equal(w, why);
	sqlite3_finalize(st);
}

/* An entry signed, accepted once, kept as it was signed. */
static void
test_sign_and_accept(void **state)
{
	struct fixture		*fx = *state;
	struct roster_entry	 e;
	char			*body, *sig, *tc;
	size_t			 len;
	int			 stored;

	assert_int_equal(roster_trust(fx->dd, &fx->office_pk, 0), 0);
	entry(fx->office, fx->sk, "2030-01-01T00:00:00Z", NULL,
	    "2030-01-02T00:00:00Z", &body, &len, &sig);
	assert_int_equal(body[len - 1], '\n');
	assert_non_null(strstr(body, "{\"type\":\"roster\",\"format\":1,"
	    "\"key_id\":\""));
	assert_non_null(strstr(body, "\"revoked_at\":null"));
	tc = xasprintf("trusted comment: lantian roster key=%s "
	    "issued=2030-01-02T00:00:00Z\n", fx->device);
	assert_non_null(strstr(sig, tc));
	free(tc);
	assert_int_equal(roster_verify(&fx->office_pk, body, len, sig, NULL),
	    0);

	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(roster_accept(fx->dd->db, body, len, sig, &stored), 0);
	assert_true(stored);
	/* The same entry again changes nothing. */
	assert_int_equal(roster_accept(fx->dd->db, body, len, sig, &stored), 0);
	assert_false(stored);
	assert_int_equal(db_commit(fx->dd->db), 0);

	assert_int_equal(roster_get(fx->dd->db, fx->device, &e), 0);
	assert_string_equal(e.key_id, fx->device);
	assert_string_equal(e.name, "测试员");
	assert_string_equal(e.badge, "T-001");
	assert_string_equal(e.valid_from, "2030-01-01T00:00:00Z");
	assert_string_equal(e.revoked_at, "");
	assert_string_equal(e.issued, "2030-01-02T00:00:00Z");
	assert_int_equal(e.len, len);
	assert_memory_equal(e.body, body, len);
	assert_string_equal(e.sig, sig);
	roster_entry_clear(&e);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM roster"), 1);
	free(body);
	free(sig);
}

/* No anchor, another signer, changed bytes, a false comment, bad JSON. */
static void
test_reject(void **state)
{
	struct fixture		*fx = *state;
	struct key_secret	*other = key_generate();
	char			*body, *sig, *bad, *tc;
	size_t			 len;
	int			 stored = 1;

	/* No office key trusted yet. */
	entry(fx->office, fx->sk, "2030-01-01T00:00:00Z", NULL,
	    "2030-01-02T00:00:00Z", &body, &len, &sig);
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(roster_accept(fx->dd->db, body, len, sig, &stored),
	    LT_ENOTFOUND);
	assert_false(stored);
	assert_non_null(strstr(error_msg(), "no office key"));
	db_rollback(fx->dd->db);
	assert_int_equal(roster_trust(fx->dd, &fx->office_pk, 0), 0);

	/* Signed by another key than the office's. */
	assert_int_equal(take(fx, other, fx->sk, "2030-01-01T00:00:00Z",
	    NULL, "2030-01-02T00:00:00Z", &stored), LT_ESIG);
	/* One byte of the body changed. */
	bad = xstrdup(body);
	bad[strstr(bad, "T-001") - bad + 4] = '2';
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(roster_accept(fx->dd->db, bad, len, sig, &stored),
	    LT_ESIG);
	free(bad);
	/* A signature whose trusted comment names another key. */
	tc = xasprintf("lantian roster key=0000000000000000 "
	    "issued=2030-01-02T00:00:00Z");
	bad = sig_sign(fx->office, body, len, tc, "forged");
	assert_int_equal(roster_accept(fx->dd->db, body, len, bad, &stored),
	    LT_ESIG);
	assert_non_null(strstr(error_msg(), "trusted comment"));
	free(bad);
	free(tc);
	/* Malformed, though the office signed it: no name. */
	tc = xasprintf("lantian roster key=%s issued=2030-01-02T00:00:00Z",
	    fx->device);
	bad = sig_sign(fx->office, "{\"type\":\"roster\"}\n", 18, tc, "x");
	assert_int_equal(roster_accept(fx->dd->db, "{\"type\":\"roster\"}\n",
	    18, bad, &stored), LT_EINVAL);
	free(bad);
	free(tc);
	assert_int_equal(roster_accept(fx->dd->db, body, len, "garbage",
	    &stored), LT_EINVAL);
	db_rollback(fx->dd->db);
	assert_false(stored);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM roster"), 0);
	free(body);
	free(sig);
	key_secret_free(other);
}

/* Older entries are ignored; ties go to the greater bytes. */
static void
test_newest_wins(void **state)
{
	struct fixture		*fx = *state;
	struct roster_entry	 e;
	int			 stored;

	assert_int_equal(roster_trust(fx->dd, &fx->office_pk, 0), 0);
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-01-01T00:00:00Z",
	    "2030-06-01T00:00:00Z", "2030-06-02T00:00:00Z", &stored), 0);
	assert_true(stored);
	/* An older entry (the one before the revocation) is ignored. */
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-01-01T00:00:00Z",
	    NULL, "2030-01-02T00:00:00Z", &stored), 0);
	assert_false(stored);
	assert_int_equal(roster_get(fx->dd->db, fx->device, &e), 0);
	assert_string_equal(e.revoked_at, "2030-06-01T00:00:00Z");
	roster_entry_clear(&e);

	/* Of two with one issued time, the greater bytes win either way. */
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-02-01T00:00:00Z",
	    NULL, "2030-07-01T00:00:00Z", &stored), 0);
	assert_true(stored);
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-03-01T00:00:00Z",
	    NULL, "2030-07-01T00:00:00Z", &stored), 0);
	assert_true(stored);		/* "2030-03" > "2030-02" */
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-02-01T00:00:00Z",
	    NULL, "2030-07-01T00:00:00Z", &stored), 0);
	assert_false(stored);
	assert_int_equal(roster_get(fx->dd->db, fx->device, &e), 0);
	assert_string_equal(e.valid_from, "2030-03-01T00:00:00Z");
	roster_entry_clear(&e);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM roster"), 1);

	/* A new entry is always issued after the stored one. */
	char issued[32];
	setenv("LANTIAN_NOW", "2030-07-01T00:00:00Z", 1);
	assert_int_equal(roster_next_issued(fx->dd->db, fx->device, issued), 0);
	assert_string_equal(issued, "2030-07-01T00:00:01Z");
	setenv("LANTIAN_NOW", "2031-01-01T00:00:00Z", 1);
	assert_int_equal(roster_next_issued(fx->dd->db, fx->device, issued), 0);
	assert_string_equal(issued, "2031-01-01T00:00:00Z");
}

/* Validity at the edges of valid_from and revoked_at. */
static void
test_valid_at(void **state)
{
	struct roster_entry	e;
	time_t			t;
	char			buf[32];

	(void)state;
	memset(&e, 0, sizeof e);
	snprintf(e.valid_from, sizeof e.valid_from, "2030-01-01T00:00:00Z");
	assert_int_equal(util_parse_rfc3339("2030-01-01T00:00:00Z", &t), 0);
	assert_false(roster_valid_at(&e, t - 1));
	assert_true(roster_valid_at(&e, t));
	assert_true(roster_valid_at(&e, t + 86400 * 3650));
	snprintf(e.revoked_at, sizeof e.revoked_at, "2030-06-01T00:00:00Z");
	assert_true(roster_valid_at(&e, t + 86400));
	assert_int_equal(util_parse_rfc3339("2030-06-01T00:00:00Z", &t), 0);
	assert_true(roster_valid_at(&e, t - 1));
	assert_false(roster_valid_at(&e, t));
	assert_false(roster_valid_at(&e, t + 1));

	assert_int_equal(roster_parse_time("2030-02-03", buf), 0);
	assert_string_equal(buf, "2030-02-03T00:00:00Z");
	assert_int_equal(roster_parse_time("2030-02-03T04:05:06Z", buf), 0);
	assert_string_equal(buf, "2030-02-03T04:05:06Z");
	assert_int_equal(roster_parse_time("2030-02-30", buf), LT_EINVAL);
	assert_int_equal(roster_parse_time("2030-2-3T04:05:06Z", buf),
	    LT_EINVAL);
	assert_int_equal(roster_parse_time("2030-02-03T04:05:06+08:00", buf),
	    LT_EINVAL);
	assert_int_equal(roster_parse_time("yesterday", buf), LT_EINVAL);
}

/* Statuses follow the anchor, enrolment, revocation and replacement. */
static void
test_refresh(void **state)
{
	struct fixture		*fx = *state;
	struct key_secret	*other = key_generate();
	struct record		 r[4], o, late, after;	/* after: refused */
	int			 i, stored;

	/* A lone device: its records are signed. */
	record_at(fx, fx->sk, "2030-01-10T00:00:00Z", &r[0]);
	record_at(fx, fx->sk, "2030-02-10T00:00:00Z", &r[1]);
	record_at(fx, fx->sk, "2030-03-10T00:00:00Z", &r[2]);
	record_at(fx, fx->sk, "2030-04-10T00:00:00Z", &r[3]);
	record_at(fx, other, "2030-02-10T00:00:00Z", &o);
	status_is(fx, &r[0], TRUST_SIGNED, NULL);
	status_is(fx, &o, TRUST_UNKNOWN_KEY, TRUST_WHY_NO_OFFICE);
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(trust_refresh(fx->dd->db, NULL), 0);
	assert_int_equal(db_commit(fx->dd->db), 0);
	status_is(fx, &r[3], TRUST_SIGNED, NULL);

	/* An office key: nobody is on its roster yet. */
	assert_int_equal(roster_trust(fx->dd, &fx->office_pk, 0), 0);
	for (i = 0; i < 4; i++)
		status_is(fx, &r[i], TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_ENROLLED);
	status_is(fx, &o, TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_ENROLLED);

	/* Enrolled from February: January's record is from before. */
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-02-01T00:00:00Z",
	    NULL, "2030-02-01T00:00:00Z", &stored), 0);
	status_is(fx, &r[0], TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_YET);
	for (i = 1; i < 4; i++)
		status_is(fx, &r[i], TRUST_VERIFIED, NULL);
	status_is(fx, &o, TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_ENROLLED);
	/* A new record takes its status from the roster as it is stored. */
	record_at(fx, fx->sk, "2030-05-10T00:00:00Z", &late);
	status_is(fx, &late, TRUST_VERIFIED, NULL);

	/* Revoked from March on. */
	assert_int_equal(take(fx, fx->office, fx->sk, "2030-02-01T00:00:00Z",
	    "2030-03-10T00:00:00Z", "2030-06-01T00:00:00Z", &stored), 0);
	status_is(fx, &r[0], TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_YET);
	status_is(fx, &r[1], TRUST_VERIFIED, NULL);
	status_is(fx, &r[2], TRUST_REVOKED, TRUST_WHY_REVOKED);
	status_is(fx, &r[3], TRUST_REVOKED, TRUST_WHY_REVOKED);
	status_is(fx, &late, TRUST_REVOKED, TRUST_WHY_REVOKED);
	/* Knowing its revocation, the device signs nothing more, on any
	 * clock (issue 19). */
	{
		json_t	*fields = json_pack("{s:{s:s, s:s}}", "inspector",
		    "name", "测试员", "badge", "T-001");

		setenv("LANTIAN_NOW", "2030-01-20T00:00:00Z", 1);
		assert_int_equal(db_begin(fx->dd->db), 0);
		assert_int_equal(record_create(fx->dd->db, fx->sk, "site",
		    fields, &after), LT_EINVAL);
		assert_non_null(strstr(error_msg(), "was revoked by the office"));
		db_rollback(fx->dd->db);
		unsetenv("LANTIAN_NOW");
		json_decref(fields);
	}

	/* What import found wrong stays as it is. */
	sqlite3_stmt *st;
	assert_int_equal(db_prepare(fx->dd->db, &st, "UPDATE records SET "
	    "status = 'chain-gap', status_why = 'seq 1 missing' "
	    "WHERE id = ?1"), 0);
	db_bind_text(st, 1, r[1].id);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(trust_refresh(fx->dd->db, NULL), 0);
	assert_int_equal(db_commit(fx->dd->db), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM records WHERE "
	    "status = 'chain-gap'"), 1);

	/* Another office key replaces the first: its roster is empty. */
	struct key_secret *office2 = key_generate();
	struct key_public pk2;
	key_secret_public(office2, &pk2);
	assert_int_equal(roster_trust(fx->dd, &pk2, 0), LT_EEXISTS);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM roster"), 1);
	assert_int_equal(roster_trust(fx->dd, &pk2, 1), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM roster"), 0);
	status_is(fx, &r[2], TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_ENROLLED);
	status_is(fx, &late, TRUST_UNKNOWN_KEY, TRUST_WHY_NOT_ENROLLED);
	key_secret_free(office2);

	for (i = 0; i < 4; i++)
		record_clear(&r[i]);
	record_clear(&o);
	record_clear(&late);
	key_secret_free(other);
}

/* The office key: created once, unlocked, never replaced. */
static void
test_office_key(void **state)
{
	struct fixture		*fx = *state;
	struct key_public	 pk, anchor;
	struct key_secret	*sk;
	char			*path;

	assert_false(roster_office_has_key(fx->dd));
	assert_int_equal(roster_anchor(fx->dd->db, &anchor), LT_ENOTFOUND);
	assert_int_equal(roster_office_init(fx->dd, "office pass", 11, &pk), 0);
	assert_true(roster_office_has_key(fx->dd));
	assert_int_equal(roster_anchor(fx->dd->db, &anchor), 0);
	assert_memory_equal(&anchor, &pk, sizeof pk);
	path = datadir_file(fx->dd, "keys/office.pub");
	assert_true(util_exists(path));
	free(path);

	assert_int_equal(roster_office_unlock(fx->dd, "office pass", 11, &sk),
	    0);
	key_secret_free(sk);
	assert_int_equal(roster_office_unlock(fx->dd, "wrong", 5, &sk),
	    LT_EPASS);
	/* Never overwritten, never replaced under the office. */
	assert_int_equal(roster_office_init(fx->dd, "again", 5, &pk),
	    LT_EEXISTS);
	assert_int_equal(roster_trust(fx->dd, &fx->office_pk, 1), LT_EEXISTS);
	assert_int_equal(roster_anchor(fx->dd->db, &anchor), 0);
	assert_memory_equal(&anchor, &pk, sizeof pk);
}

/* The tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_and_accept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newest_wins, setup,
		    teardown),
		cmocka_unit_test(test_valid_at),
		cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_office_key, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
