#!/bin/sh
# lantian inspectors and lantian conflicts on a merged store made for
# them: an inspector whose laptop clock was set back, two inspections of
# one restaurant on one day that contradict each other (and a follow-up
# the same day that does not count as one), a fork (a copied data
# directory signing the same seq), and a record missing from a chain.
. "$top_srcdir/tests/cli/lib.sh"
TZ=UTC
export TZ

O=$T/office
IB=$T/inspector-b
IB2=$T/inspector-b-copy
STICK=$T/stick.git
GOOD='{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}'
BAD='{"purifier_installed": true, "purifier_running": false, "cleaning_records": true}'

at() {
	LANTIAN_NOW=$1
	export LANTIAN_NOW
}
at 2029-12-01T00:00:00Z
setup "office: init" "$LANTIAN" --data "$O" init --name 王主任 \
    --badge OF-001 --passphrase-file "$PASSFILE"
setup "office: office init" "$LANTIAN" --data "$O" office init \
    --passphrase-file "$PASSFILE"
setup "B: init" "$LANTIAN" --data "$IB" init --name 李娜 --badge XY-021 \
    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
for d in "$O" "$IB"; do
	lt_sites "$d"
	setup "enrol $d" "$LANTIAN" --data "$O" roster add "$d/keys/device.pub" \
	    --name "$(basename "$d")" --badge "B-$(basename "$d")" \
	    --from 2020-01-01 --passphrase-file "$PASSFILE"
done
KO=$(lt_keyid "$O")
KB=$(lt_keyid "$IB")

# The office's own inspector: a clock set back a day after its first.
at 2030-01-10T08:00:00Z; lt_inspect "$O" XY-R-101 restaurant-fume "$GOOD"
at 2030-01-09T08:00:00Z; lt_inspect "$O" XY-E-101 boiler "$GAS_BOILER"
# One restaurant, one day (local time: TZ=UTC here): O finds it fine in
# the morning, B finds the purifier off in the afternoon; O's follow-up
# of B's record that evening answers otherwise, as a follow-up may.
at 2030-01-12T01:00:00Z; lt_inspect "$O" XY-R-101 restaurant-fume "$GOOD"
OMORNING=$ID
at 2030-01-12T06:00:00Z; lt_inspect "$IB" XY-R-101 restaurant-fume "$BAD"
BBAD=$ID
# B's records: 2 and 3 (3 will be lost on the way to the office).
at 2030-01-13T06:00:00Z; lt_inspect "$IB" XY-H-101 coal-ban "$COAL_BAN"
at 2030-01-14T06:00:00Z; lt_inspect "$IB" XY-H-102 coal-ban "$COAL_BAN"
at 2030-01-15T06:00:00Z; lt_inspect "$IB" XY-H-101 coal-ban "$COAL_BAN"
setup "B syncs with the stick" "$LANTIAN" --data "$IB" remote add usb \
    "$STICK" --create
setup "B syncs" "$LANTIAN" --data "$IB" sync usb
setup "the office syncs" "$LANTIAN" --data "$O" sync "$STICK"
at 2030-01-12T12:00:00Z
lt_inspect "$O" XY-R-101 restaurant-fume "$GOOD" --follows "$BBAD"
# A copy of B's directory signs seq 5, and so does B: a fork.
cp -r "$IB" "$IB2"
at 2030-01-16T06:00:00Z; lt_inspect "$IB" XY-H-101 coal-ban "$COAL_BAN"
at 2030-01-16T07:00:00Z; lt_inspect "$IB2" XY-H-102 coal-ban "$COAL_BAN"
setup "B syncs again" "$LANTIAN" --data "$IB" sync usb
setup "the office syncs again" "$LANTIAN" --data "$O" sync "$STICK"
setup "a stick for the copy" "$LANTIAN" --data "$IB2" remote add usb2 \
    "$T/copy.git" --create
setup "the copy syncs with it" "$LANTIAN" --data "$IB2" sync usb2
setup "the office syncs with that stick too (B's branch forks)" \
    "$LANTIAN" --data "$O" sync "$T/copy.git"
# The office loses B's seq 3 (a record missing on the way).
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DELETE FROM records WHERE device = ? AND seq = 3", (sys.argv[2],))
db.commit()' "$O/lantian.db" "$KB"

ok "conflicts --json" "$LANTIAN" --data "$O" conflicts --json
cp "$T/out" "$T/c.json"
is "a fork of B at seq 5 (both its records), the clock of the office's inspector, one contradiction" \
    "$(json '" ".join(sorted("%s:%s" % (c["kind"], c.get("seq", c.get("site"))) for c in d))' <"$T/c.json")" \
    "clock-backwards:2 contradiction:XY-R-101 fork:5 fork:5"
is "the contradiction: the two of the 12th, on purifier_running" \
    "$(json '[" ".join(c["records"]) + " " + ",".join(c["questions"]) + " " + c["date"] for c in d if c["kind"] == "contradiction"][0]' <"$T/c.json")" \
    "$OMORNING $BBAD purifier_running 2030-01-12"
ok "conflicts as text" "$LANTIAN" --data "$O" conflicts
out_has "the clock line" "^clock-backwards  $KO seq 2  [0-9a-f]{12}  made 2030-01-09T08:00:00Z, after one made 2030-01-10T08:00:00Z$"

ok "inspectors --month 2030-01 --json" "$LANTIAN" --data "$O" inspectors \
    --month 2030-01 --json
is "B: 5 records in the store (seq 3 lost, the fork kept), 2 not verified (both records of the forked seq), head 5, 1 missing after 3" \
    "$(json '[("%d %d %d %d %s" % (i["records"], i["not_verified"], i["head"], i["missing"], i["gaps_after"])) for i in d if i["device"] == a[0]][0]' "$KB" <"$T/out")" \
    "5 2 5 1 [3]"
is "the office's inspector: 4 records, all verified, no gap" \
    "$(json '[("%d %d %d %d" % (i["records"], i["not_verified"], i["head"], i["missing"])) for i in d if i["device"] == a[0]][0]' "$KO" <"$T/out")" \
    "4 0 4 0"
ok "inspectors for a month with nothing" "$LANTIAN" --data "$O" inspectors \
    --month 2030-03 --json
is "no records in March" "$(json 'sum(i["records"] for i in d)' <"$T/out")" 0
ok "inspectors as text" "$LANTIAN" --data "$O" inspectors
out_has "B's line names its gap" "^$KB +5 +2 +5 +1  inspector-b B-inspector-b  missing from seq 3$"
fails 2 "a bad month" "$LANTIAN" --data "$O" inspectors --month 13
fails 2 "conflicts takes no month" "$LANTIAN" --data "$O" conflicts --month 2030-01
is "conflicts --limit 1: the fork first" \
    "$("$LANTIAN" --data "$O" conflicts --limit 1 --json | json '" ".join(c["kind"] for c in d)')" \
    "fork"

done_testing
