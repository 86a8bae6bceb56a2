#!/bin/sh
# Findings that live: find -> rectify -> close (task 20, 发现问题、督促整改、
# 问题销号), through the command line: lantian findings list, a
# re-inspection with --follows, deadlines and overdue lists, and forms
# refused on sites of another kind unless --any-kind.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/data
lt_init "$D" || fail "setup: init"
lt_sites "$D"

# Find: a coal boiler of 4 t/h at the enterprise, on 2026-11-01.
LANTIAN_NOW=2026-11-01T09:00:00Z
export LANTIAN_NOW
TZ=UTC
export TZ
lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER" ||
    fail "setup: the first inspection"
FIRST=$ID
ok "findings list" lt --data "$D" findings list --json
is "one finding: the coal boiler up to 35 t/h" \
    "$(json '[f["rule"] for f in d]' <"$T/out")" '["coal-le35"]'
is "task 11, a violation, open" \
    "$(json '[(f["task"], f["severity"], f["status"]) for f in d]' <"$T/out")" \
    '[[11, "violation", "open"]]'
is "its deadline is the inspection day plus the rule's 30 days" \
    "$(json 'd[0]["deadline"]' <"$T/out")" "2026-12-01"
is "it names its record and site" \
    "$(json '[d[0]["record"] == a[0], d[0]["site"]]' "$FIRST" <"$T/out")" \
    '[true, "XY-E-101"]'
ok "findings list (readable)" lt --data "$D" findings list
out_has "a line per finding with deadline, state, task and rule" \
    "^2026-12-01 +open +task 11 +violation +XY-E-101 .*coal-le35"

# Overdue once the deadline has passed, and only then.
ok "findings list --overdue before the deadline" \
    lt --data "$D" findings list --overdue --json
is "nothing overdue yet" "$(json 'len(d)' <"$T/out")" 0
LANTIAN_NOW=2026-12-02T09:00:00Z
ok "findings list --overdue after the deadline" \
    lt --data "$D" findings list --overdue --json
is "the finding is overdue" "$(json '[f["status"] for f in d]' <"$T/out")" \
    '["overdue"]'
ok "findings list --task 11" lt --data "$D" findings list --task 11 --json
is "it is listed under task 11" "$(json 'len(d)' <"$T/out")" 1
ok "findings list --task 3" lt --data "$D" findings list --task 3 --json
is "nothing under task 3" "$(json 'len(d)' <"$T/out")" 0
ok "findings list --site XY-E-101" \
    lt --data "$D" findings list --site XY-E-101 --json
is "it is listed under its site" "$(json 'len(d)' <"$T/out")" 1
ok "findings list --site XY-E-102" \
    lt --data "$D" findings list --site XY-E-102 --json
is "and not under another" "$(json 'len(d)' <"$T/out")" 0
fails 2 "findings list --task x is a usage error" \
    lt --data "$D" findings list --task x

# Rectify, not yet done: a re-inspection on which the rule still fires
# keeps the finding open with its first deadline.
lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER" --follows "$FIRST" ||
    fail "setup: a re-inspection that finds the same"
SECOND=$ID
ok "findings list --open" lt --data "$D" findings list --open --json
is "the first finding stays open, keeping its deadline" \
    "$(json '[(f["record"] == a[0], f["deadline"]) for f in d if f["record"] == a[0]]' "$FIRST" <"$T/out")" \
    '[[true, "2026-12-01"]]'
is "the re-inspection has its own finding" \
    "$(json 'len([f for f in d if f["record"] == a[0]])' "$SECOND" <"$T/out")" 1

# Close: the boiler was switched to gas; the follow-up closes the finding.
LANTIAN_NOW=2026-12-10T09:00:00Z
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --follows "$SECOND" ||
    fail "setup: the closing re-inspection"
THIRD=$ID
ok "findings list (all)" lt --data "$D" findings list --json
is "the finding it follows is closed by the new record" \
    "$(json '[f["status"] + " " + str(f["closed_by"] == a[1]) for f in d if f["record"] == a[0]]' "$SECOND" "$THIRD" <"$T/out")" \
    '["closed True"]'
is "the first finding, re-found by the second visit, is closed too" \
    "$(json '[f["status"] + " " + str(f["closed_by"] == a[1]) for f in d if f["record"] == a[0]]' "$FIRST" "$THIRD" <"$T/out")" \
    '["closed True"]'
is "no finding is ever deleted: both are still listed" \
    "$(json 'len(d)' <"$T/out")" 2
ok "findings list --open after the follow-up" \
    lt --data "$D" findings list --open --json
is "nothing is open any more" "$(json 'len(d)' <"$T/out")" 0
ok "findings list (readable) shows who closed it" lt --data "$D" findings list
out_has "closed by the third record" "closed by $(printf %.12s "$THIRD")"

# A re-inspection must follow a record of the same site.
fails 1 "--follows a record of another site is refused" \
    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-102 --form boiler \
    --answers "$A" --follows "$FIRST" --passphrase-file "$PASSFILE"
err_has "it says which site the record is of" "^lantian: .*XY-E-101"

# A form for enterprises does not fit a household, unless --any-kind.
answers kind "$GAS_BOILER"
fails 1 "a boiler form on a household is refused" \
    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-H-101 --form boiler --answers "$A" \
    --passphrase-file "$PASSFILE"
err_has "the message names the kind and says how" \
    "^lantian: form boiler: .*household.*--any-kind"
ok "with --any-kind it is recorded" \
    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-H-101 --form boiler --answers "$A" \
    --any-kind --passphrase-file "$PASSFILE"

ok "the store still verifies" lt --data "$D" verify
done_testing
