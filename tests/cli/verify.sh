#!/bin/sh
# lantian verify: every signature, id and chain link of the store; a store
# tampered with behind lantian's back is caught, one line per problem.
set -u
. "$top_srcdir/tests/cli/lib.sh"

LANTIAN_NOW=2030-03-01T08:00:00Z
export LANTIAN_NOW

# store NAME N: a fresh data dir $T/NAME with N inspections; their ids in
# $T/NAME.ids (line i is seq i) and the dir in $D.
store() {
	D=$T/$1
	KEYID=
	: >"$T/$1.ids"
	lt_init "$D" || return 1
	lt_sites "$D"
	_i=0
	while [ "$_i" -lt "$2" ]; do
		_i=$((_i + 1))
		lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --notes "record $_i" ||
		    return 1
		echo "$ID" >>"$T/$1.ids"
	done
	KEYID=$(lt_keyid "$D")
}
idof() { sed -n "${2}p" "$T/$1.ids"; }
db() { sqlite3 "$D/lantian.db" "$@"; }
# Problem lines of the last run that name record ID and KIND.
problem() { grep -c -E "^$1 [0-9A-F]{16} seq [0-9]+: $2: " "$T/out"; }
nlines() { wc -l <"$T/out" | tr -d ' '; }

# A clean store verifies.
store clean 3
ok "a clean store verifies" lt --data "$D" verify
is "it prints no problem" "$(nlines)" 0
err_has "it says how many records it checked" \
    "^lantian: 3 record\(s\) checked, 0 problem\(s\)"
ok "verify ID of a single good record" lt --data "$D" verify "$(idof clean 2)"
err_has "it checked that one record" "^lantian: 1 record\(s\) checked, 0 problem"
ok "verify by a 12-digit prefix" lt --data "$D" verify \
    "$(idof clean 3 | cut -c1-12)"
fails 1 "verify of an unknown id fails" lt --data "$D" verify \
    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
err_has "it says so" "^lantian: .*0123456789abcdef.*not found"
fails 2 "verify with an option it does not know is a usage error" \
    lt --data "$D" verify --frobnicate

# (a) One byte of a record's body changed: its id no longer matches.
store bytes 3
ID2=$(idof bytes 2)
lt --data "$D" records show "$ID2" --raw >"$T/bytes.orig"
db "UPDATE records SET body = CAST(replace(CAST(body AS TEXT), 'XY-017', 'XY-018') AS BLOB) WHERE id = '$ID2'"
lt --data "$D" records show "$ID2" --raw >"$T/bytes.new"
is "(the body differs in one byte)" \
    "$(cmp -l "$T/bytes.orig" "$T/bytes.new" | wc -l | tr -d ' ')" 1
fails 1 "a changed byte fails verify" lt --data "$D" verify
is "one id-mismatch line names the record" "$(problem "$ID2" id-mismatch)" 1
out_has "the line names its device and seq" "^$ID2 $KEYID seq 2: id-mismatch"
is "and it is the only problem" "$(nlines)" 1
err_has "the summary counts it" "^lantian: 3 record\(s\) checked, 1 problem"
ok "verify of the untouched record 1 alone passes" lt --data "$D" verify \
    "$(idof bytes 1)"
fails 1 "verify of record 2 alone fails" lt --data "$D" verify "$ID2"
is "naming it" "$(problem "$ID2" id-mismatch)" 1

# (b) The middle record of three deleted: a gap in the chain.
store gap 3
db "DELETE FROM findings WHERE record = '$(idof gap 2)'; DELETE FROM records WHERE id = '$(idof gap 2)'"
fails 1 "a deleted record fails verify" lt --data "$D" verify
is "a chain-gap line names the record after the hole" \
    "$(problem "$(idof gap 3)" chain-gap)" 1
out_has "it says seq 2 is missing" "seq 3: chain-gap: .*2"
is "and nothing else" "$(nlines)" 1

# (b') The newest record deleted: the store's chain head still names it.
store tail 3
db "DELETE FROM findings WHERE record = '$(idof tail 3)'; DELETE FROM records WHERE id = '$(idof tail 3)'"
fails 1 "a deleted newest record fails verify" lt --data "$D" verify
is "a chain-gap line names the missing record" \
    "$(problem "$(idof tail 3)" chain-gap)" 1

# (c) Record 1's signature on record 2.
store sig 3
db "UPDATE records SET sig = (SELECT sig FROM records WHERE id = '$(idof sig 1)') WHERE id = '$(idof sig 2)'"
fails 1 "a signature of another record fails verify" lt --data "$D" verify
is "a bad-signature line names the record" \
    "$(problem "$(idof sig 2)" bad-signature)" 1
is "and nothing else" "$(nlines)" 1

# (c') A signature whose trusted comment names another record: the same
# signature bytes would hold only for the original.
store comment 2
db "UPDATE records SET sig = replace(sig, 'seq=2', 'seq=1') WHERE id = '$(idof comment 2)'"
fails 1 "an edited trusted comment fails verify" lt --data "$D" verify
is "a bad-signature line names the record" \
    "$(problem "$(idof comment 2)" bad-signature)" 1

# (d) A fork: two different records with seq 2 from one device.  A copy of
# the data dir signs its own seq 2, which is then slipped into the first.
store fork 1
cp -a "$D" "$T/fork-copy"
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --notes "the original seq 2"
A2=$ID
lt_inspect "$T/fork-copy" XY-E-101 boiler "$GAS_BOILER" --notes "the other seq 2"
B2=$ID
check "(the two seq-2 records differ)" test "$A2" != "$B2"
db "ATTACH '$T/fork-copy/lantian.db' AS other; INSERT INTO records SELECT * FROM other.records WHERE id = '$B2'"
is "(both are stored)" "$(db "SELECT count(*) FROM records WHERE seq = 2")" 2
fails 1 "a fork fails verify" lt --data "$D" verify
is "a fork line names one of the two" \
    "$(($(problem "$A2" fork) + $(problem "$B2" fork)))" 1
out_has "it names the other one too" "seq 2: fork: .*($(echo "$A2" | cut -c1-16)|$(echo "$B2" | cut -c1-16))"
is "and nothing else" "$(nlines)" 1

# Six inspections at the same moment, on the real clock: one chain still,
# no seq twice, no clock going backwards.
unset LANTIAN_NOW
store parallel 0
answers par "$GAS_BOILER"
for i in 1 2 3 4 5 6; do
	( "$LANTIAN" --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler \
	    --answers "$A" --passphrase-file "$PASSFILE" >"$T/par.$i.out" \
	    2>"$T/par.$i.err"; echo $? >"$T/par.$i.rc" ) &
done
wait
is "six inspections at once all succeed" "$(cat "$T"/par.*.rc | tr -d '\n')" \
    000000
is "without a sanitizer report" \
    "$(cat "$T"/par.*.err | grep -c -E 'Sanitizer|runtime error')" 0
ok "records list --json" lt --data "$D" records list --json
is "six records, seq 1..6" \
    "$(json 'sorted(r["seq"] for r in d)' <"$T/out")" "[1, 2, 3, 4, 5, 6]"
ok "and the store verifies" lt --data "$D" verify
is "with no problem" "$(nlines)" 0

# (e) A clock that went backwards is flagged, not trusted.
D=$T/clock
lt_init "$D"
lt_sites "$D"
LANTIAN_NOW=2026-01-02T00:00:00Z
export LANTIAN_NOW
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
C1=$ID
LANTIAN_NOW=2026-01-01T00:00:00Z
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
C2=$ID
is "(the second record was made at the earlier time)" \
    "$(lt --data "$D" records show "$C2" --raw | json 'd["created"]')" \
    2026-01-01T00:00:00Z
fails 1 "a clock going backwards fails verify" lt --data "$D" verify
is "a clock-backwards line names the later record" \
    "$(problem "$C2" clock-backwards)" 1
out_has "it says both times" \
    "clock-backwards: .*2026-01-01T00:00:00Z.*2026-01-02T00:00:00Z"
is "and nothing else" "$(nlines)" 1
ok "the record before it verifies alone" lt --data "$D" verify "$C1"

done_testing
