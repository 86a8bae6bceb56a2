#!/bin/sh
# What an enrolled device may sign that must still not count: a device
# key made with minisign (-G -W), enrolled by the office, whose branch is
# written with minisign and the git CLI alone onto a stick.
#   - equivocation: two records signed for one seq: both are fork at the
#     office, neither verified, neither counted in the monthly report,
#     neither exported as evidence (the refusal names the fork);
#   - lenient times: records whose created is not RFC 3339 UTC in the one
#     form lantian writes (2030-02-31T08:00:00Z, 2030-3-5T8:0:0Z, a 60th
#     second) are refused with their reason, never verified.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
mk_office "$O"
# The office's machine exports evidence with a device key of its own.
setup "the office's device key" "$LANTIAN" --data "$O" init --name 刘洋 \
    --badge ZF-001 --passphrase-file "$PASSFILE"
enrol "$O" "$O" 刘洋 ZF-001
mk_inspector "$IA" 张伟 XY-017 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017
inspect "$IA" "A 1"
A1=$ID

setup "the insider's key (minisign -G -W)" minisign -G -W \
    -p "$T/m.pub" -s "$T/m.key"
# Its key id from the key itself (minisign's comment drops leading zeros).
KM=$(python3 -c 'import base64, sys
k = base64.b64decode(open(sys.argv[1]).read().split("\n")[1])
print(k[2:10][::-1].hex().upper())' "$T/m.pub")
setup "the office enrols it" "$LANTIAN" --data "$O" roster add "$T/m.pub" \
    --name 王五 --badge XY-099 --from 2020-01-01 --passphrase-file "$OFFPASS"

STICK=$T/stick.git
setup "A's stick" lt --data "$IA" remote add stick "$STICK" --create
setup "A syncs" lts --data "$IA" sync stick
setup "the office's stick" lt --data "$O" remote add stick "$STICK"
git --git-dir="$STICK" cat-file blob \
    "refs/heads/devices/$KA:records/0000/00000001.json" >"$T/model.json"

# mint SEQ PREV CREATED NOTES: a record of the insider's device, signed
# with minisign, in $T/r-SEQ-N.json (+ .minisig); its id in $MID.
mint_n=0
mint() {
	mint_n=$((mint_n + 1))
	_f=$T/r-$1-$mint_n.json
	python3 - "$T/model.json" "$KM" "$1" "$2" "$3" "$4" "$_f" <<'EOF'
import json, sys
model, dev, seq, prev, created, notes, out = sys.argv[1:]
r = json.load(open(model))
r["device"] = dev
r["seq"] = int(seq)
r["prev"] = prev if prev != "-" else None
r["created"] = created
r["inspector"] = {"name": "王五", "badge": "XY-099"}
r["notes"] = notes
open(out, "w").write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
EOF
	MID=$(sha256sum "$_f" | cut -d' ' -f1)
	minisign -S -s "$T/m.key" -m "$_f" -x "$_f.minisig" \
	    -t "lantian inspection id=$MID device=$KM seq=$1" >/dev/null 2>&1 ||
	    fail "setup: minisign signs record $1"
	MFILE=$_f
}

# branch FILE...: the insider's branch on the stick: device.pub and each
# record FILE (with its .minisig) at its seq's path, one commit on top.
branch() {
	(
		export GIT_DIR="$STICK" GIT_INDEX_FILE="$T/index"
		rm -f "$T/index"
		_ref=refs/heads/devices/$KM
		_parent=$(git rev-parse -q --verify "$_ref")
		[ -n "$_parent" ] && git read-tree "$_parent"
		git update-index --add --cacheinfo \
		    "100644,$(git hash-object -w "$T/m.pub"),device.pub"
		for _f in "$@"; do
			_seq=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seq"])' "$_f")
			_p=$(printf 'records/%04d/%08d.json' $((_seq / 1000)) "$_seq")
			git update-index --add --cacheinfo \
			    "100644,$(git hash-object -w "$_f"),$_p"
			git update-index --add --cacheinfo \
			    "100644,$(git hash-object -w "$_f.minisig"),$_p.minisig"
		done
		_c=$(git commit-tree ${_parent:+-p "$_parent"} -m records \
		    "$(git write-tree)") && git update-ref "$_ref" "$_c"
	) || fail "setup: the insider's branch on the stick"
}

#### Equivocation

mint 1 - 2030-03-01T08:00:00Z "M 1"
M1=$MID
M1F=$MFILE
mint 2 "$M1" 2030-03-01T09:00:00Z "M 2: a violation"
M2A=$MID
M2AF=$MFILE
branch "$M1F" "$M2AF"
sync_ok "the office syncs: M's records 1 and 2" "$O" stick
is "(both verified so far)" "$(statuses "$O" "$KM")" "1:verified 2:verified"

# The same seq signed again, told otherwise, on a rewritten branch.
mint 2 "$M1" 2030-03-01T09:00:00Z "M 2: all in order"
M2B=$MID
M2BF=$MFILE
git --git-dir="$STICK" update-ref -d "refs/heads/devices/$KM"
branch "$M1F" "$M2BF"
sync_ok "the office syncs the equivocation" "$O" stick
err_has "it is reported" "fork: .*devices/$KM"
is "both records 2 are fork: neither stays verified" \
    "$(statuses "$O" "$KM")" "1:verified 2:fork 2:fork"
is "the first names the second" \
    "$(sqlite3 "$O/lantian.db" "SELECT status_why FROM records WHERE id = '$M2A'")" \
    "record $(printf %.16s "$M2B") has the same seq 2"
ok "the monthly report" lt --data "$O" report monthly --month 2030-03 --json
is "counts neither of them (A 1 and M 1 only)" "$(json 'd["records"]' <"$T/out")" 2
ok "records list --status=verified" lt --data "$O" records list \
    --status=verified --json
is "has neither" "$(json '" ".join(sorted(r["id"][:8] for r in d if r["id"] in (a[0], a[1])))' "$M2A" "$M2B" <"$T/out")" ""

# Evidence, exported by the office, which holds both.
fails 1 "exporting the first record 2 is refused" lt --data "$O" export \
    --record "$M2A" --case K-2 --out "$T/bag1" --passphrase-file "$PASSFILE"
err_has "naming the fork" "is not verified \(fork: record [0-9a-f]{16} has the same seq 2\)"
fails 1 "the second too" lt --data "$O" export --record "$M2B" --case K-2 \
    --out "$T/bag2" --passphrase-file "$PASSFILE"
err_has "naming the fork" "is not verified \(fork: record [0-9a-f]{16} has the same seq 2\)"

#### Lenient times

seq=2
for bad in 2030-02-31T08:00:00Z 2030-3-5T8:0:0Z 2030-03-05T08:00:60Z \
    2030-03-05T08:00:00+08:00 2030-03-05t08:00:00z; do
	seq=$((seq + 1))
	mint "$seq" "$M2B" "$bad" "M $seq at $bad"
	branch "$MFILE"
	sync_ok "the office syncs a record created $bad" "$O" stick
	err_has "it is refused with its reason" \
	    "records/0000/0000000$seq\.json: record: created .*: not a UTC time as lantian writes it"
	is "and not stored" \
	    "$(sqlite3 "$O/lantian.db" "SELECT count(*) FROM records WHERE id = '$MID'")" 0
done

done_testing
