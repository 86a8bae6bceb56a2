#!/bin/sh
# A laptop whose clock is set back a year, then forward a year, then right
# again: every record is signed and kept in its chain order (seq and prev,
# never the clock, order a chain), the inspector is told at once when the
# clock stands before the last record, and lantian verify flags each
# record the clock moved (clock-backwards, clock-ahead) on the laptop and
# at the office after a sync through a USB stick, without refusing any.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
STICK=$T/stick.git
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017

# at TIME: this machine's clock from now on.
at() {
	LANTIAN_NOW=$1
	export LANTIAN_NOW
}

# created DIR: the created times of DIR's records of A, by seq.
created() {
	"$LANTIAN" --data "$1" records list --json 2>/dev/null | json \
	    '" ".join("%d:%s" % (r["seq"], r["created"]) for r in sorted(d, key=lambda r: r["seq"]) if r["device"] == a[0])' \
	    "$KA"
}

# linked DIR: "yes" when every record of A names the one before it.
linked() {
	for _s in 2 3 4 5; do
		_prev=$(sqlite3 "$1/lantian.db" "SELECT prev FROM records WHERE device = '$KA' AND seq = $_s")
		_before=$(sqlite3 "$1/lantian.db" "SELECT id FROM records WHERE device = '$KA' AND seq = $((_s - 1))")
		[ -n "$_prev" ] && [ "$_prev" = "$_before" ] || {
			echo "seq $_s: prev $_prev, seq $((_s - 1)) is $_before"
			return
		}
	done
	echo yes
}

# problems: the kinds verify printed, as "seq:kind ..." (sorted by seq).
problems() {
	sed -n 's/^[0-9a-f]* [0-9A-F]\{16\} seq \([0-9]*\): \([a-z-]*\): .*/\1:\2/p' \
	    "$T/out" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

at 2030-03-01T08:00:00Z
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" && pass "A inspects on the 1st of March 2030"
check "nothing said about the clock" sh -c "! grep -q 'clock' '$T/err'"

# 1. Back a year.
at 2029-03-01T09:00:00Z
ok "the clock set back a year: the inspection is still signed" \
    lt --data "$IA" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers "$A" \
    --passphrase-file "$PASSFILE"
R2=$(head -n 1 "$T/out")
err_has "and the inspector is told, with both times" \
    "^lantian: clock: this machine's clock \(2029-03-01T09:00:00Z\) is before the last record it signed \(2030-03-01T08:00:00Z\): the record keeps its place in the chain and is flagged clock-backwards; check the clock$"
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" && pass "a second inspection on the wrong clock"
err_has "is not before the record just signed: nothing said" \
    "seq 3, 0 finding"
check "(no clock line)" sh -c "! grep -q 'clock' '$T/err'"

# 2. Forward a year (two years after the wrong clock).
at 2031-03-01T10:00:00Z
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" && pass "the clock set forward a year: signed"
R4=$ID
check "nothing to say yet: the clock is after every record" \
    sh -c "! grep -q 'clock' '$T/err'"

# 3. Right again.
at 2030-03-02T08:00:00Z
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" && pass "the clock right again: signed"
R5=$ID
err_has "told: the clock is before the record of 2031" \
    "^lantian: clock: this machine's clock \(2030-03-02T08:00:00Z\) is before the last record it signed \(2031-03-01T10:00:00Z\)"

is "five records, in chain order, each with the clock it was made on" \
    "$(created "$IA")" \
    "1:2030-03-01T08:00:00Z 2:2029-03-01T09:00:00Z 3:2029-03-01T09:00:00Z 4:2031-03-01T10:00:00Z 5:2030-03-02T08:00:00Z"
is "each names the one before it (prev), whatever its time" \
    "$(linked "$IA")" yes
fails 1 "lantian verify on the laptop: the clock changes fail it" \
    lt --data "$IA" verify
is "flagged: the record set back, the one from the future, the one after it" \
    "$(problems)" "2:clock-backwards 4:clock-ahead 5:clock-backwards"
out_has "the record from the future says when it was made" \
    "^$R4 $KA seq 4: clock-ahead: created 2031-03-01T10:00:00Z, after this machine's clock$"
out_has "the one after it names both times" \
    "^$R5 $KA seq 5: clock-backwards: created 2030-03-02T08:00:00Z, before the device's previous record \(2031-03-01T10:00:00Z\)$"
ok "the records the clock did not move verify alone" lt --data "$IA" verify \
    "$(sqlite3 "$IA/lantian.db" "SELECT id FROM records WHERE seq = 1")" \
    "$(sqlite3 "$IA/lantian.db" "SELECT id FROM records WHERE seq = 3")"
fails 1 "the record signed a year back fails alone" lt --data "$IA" verify \
    "$R2"

# The office, a day later, through a USB stick.
setup "A adds the stick" "$LANTIAN" --data "$IA" remote add usb "$STICK" \
    --create
sync_ok "A syncs with the stick" "$IA" usb
at 2030-03-03T08:00:00Z
sync_ok "the office syncs with the stick" "$O" "$STICK"
out_has "all five arrive, verified (a clock never makes a signature bad)" \
    "5 received \(5 verified\)"
is "at the office: the same order and times" "$(created "$O")" \
    "1:2030-03-01T08:00:00Z 2:2029-03-01T09:00:00Z 3:2029-03-01T09:00:00Z 4:2031-03-01T10:00:00Z 5:2030-03-02T08:00:00Z"
is "and the same links" "$(linked "$O")" yes
is "each stored verified" "$(statuses "$O" "$KA")" \
    "1:verified 2:verified 3:verified 4:verified 5:verified"
fails 1 "lantian verify at the office flags them" lt --data "$O" verify
is "the same three" "$(problems)" \
    "2:clock-backwards 4:clock-ahead 5:clock-backwards"
ok "conflicts at the office" lt --data "$O" conflicts --json
is "lists both backward steps of A's clock" \
    "$(json '" ".join("%s:%d" % (c["kind"], c["seq"]) for c in d if c["kind"].startswith("clock"))' <"$T/out")" \
    "clock-backwards:2 clock-backwards:5"

# A year later, the record of 2031 is no longer in the future.
at 2031-03-02T10:00:00Z
fails 1 "lantian verify a year later" lt --data "$O" verify
is "the record of 2031 is no longer ahead; the steps back stay flagged" \
    "$(problems)" "2:clock-backwards 5:clock-backwards"

done_testing
