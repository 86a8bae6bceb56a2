#!/bin/sh
# lantian records list | records show [--raw|--minisig]
set -u
. "$top_srcdir/tests/cli/lib.sh"

LANTIAN_NOW=2030-03-01T08:00:00Z
export LANTIAN_NOW

D=$T/data
lt_init "$D"
lt_sites "$D"
KEYID=$(lt_keyid "$D")
BOILER=$(form_file boiler)

ESC=$(printf '\033')
CSI=$(printf '\302\233')	# U+009B, the C1 control sequence introducer
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
ID1=$ID
lt_inspect "$D" XY-E-102 boiler "$COAL_BOILER" \
    --notes "$(printf 'door locked\033[2J\033]0;owned\007 bell%s[31m red' "$CSI")"
ID2=$ID
lt_inspect "$D" XY-H-101 coal-ban "$COAL_BAN"
ID3=$ID

# Labels as the form gives them, for the readable view.
label() {	# label LANG QUESTION [CHOICE]
	python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
q = [q for q in f["questions"] if q["id"] == sys.argv[3]][0]
if len(sys.argv) > 4:
    q = [c for c in q["choices"] if c["value"] == sys.argv[4]][0]
print(q["label"][sys.argv[2]])' "$BOILER" "$@"
}

# The readable view.
ok "records show ID" lt --data "$D" records show "$ID2"
out_has "it names the record" "^record +$ID2\$"
out_has "its type and status" "^type +inspection +status: signed"
out_has "its device, seq and prev" "^device +$KEYID +seq 2 +prev $ID1"
out_has "the inspector" "^inspector +张伟 \(XY-017\)"
out_has "the site, with its name" "^site +XY-E-102 +济源市南岭建材有限公司,二厂, 南岭村"
out_has "the form" "^form +boiler v[0-9]+"
out_has_fixed "answers with their English labels (LANG=C.UTF-8)" \
    "  $(label en fuel) [fuel]: $(label en fuel coal)"
out_has "numbers with their unit" "\[capacity_tph\]: 4(\.0)? t/h"
out_has "the finding: rule, task, severity, deadline" \
    "^  coal-le35 \(task 11, violation, by 20[0-9]{2}-[0-9]{2}-[0-9]{2}\): "
out_has "the finding's text in English" "^  coal-le35 .*: .*[Cc]oal"
check "no Chinese label in the English view" \
    test -z "$(grep -F "$(label zh fuel)" "$T/out")"
LANTIAN_LANG=zh run lt --data "$D" records show "$ID2"
out_has_fixed "LANTIAN_LANG=zh: answers with their Chinese labels" \
    "  $(label zh fuel) [fuel]: $(label zh fuel coal)"
out_has "LANTIAN_LANG=zh: the finding's text in Chinese" \
    "^  coal-le35 .*: .*燃煤"
LANG=zh_CN.UTF-8 run lt --data "$D" records show "$ID2"
out_has_fixed "LANG=zh_CN.UTF-8: answers with their Chinese labels" \
    "  $(label zh fuel) [fuel]: $(label zh fuel coal)"
LANG=zh_CN.UTF-8 LANTIAN_LANG=en run lt --data "$D" records show "$ID2"
out_has_fixed "LANTIAN_LANG=en wins over LANG" "  $(label en fuel) [fuel]: "

# Control characters in a record never reach the terminal raw.
ok "records show of a record with escape sequences in its notes" \
    lt --data "$D" records show "$ID2"
is "no ESC byte in the output" "$(grep -c "$ESC" "$T/out")" 0
is "no BEL byte in the output" "$(grep -c "$(printf '\007')" "$T/out")" 0
is "no C1 control (U+009B) in the output" "$(grep -c "$CSI" "$T/out")" 0
out_has "the rest of the notes is shown" "^notes +door locked.*\[2J.*bell.* red"
is "the record itself keeps the notes exactly" \
    "$(lt --data "$D" records show "$ID2" --raw | json 'd["notes"] == a[0]' \
    "$(printf 'door locked\033[2J\033]0;owned\007 bell%s[31m red' "$CSI")")" true
printf 'id,name,village,kind,address\nXY-H-666,"坏\033[2J人家",下冶村,household,"\033]0;x\007"\n' \
    >"$T/evil.csv"
lt_sites "$D" "$T/evil.csv" 1
lt_inspect "$D" XY-H-666 coal-ban "$COAL_BAN"
ok "records show of its record" lt --data "$D" records show "$ID"
is "the site name is shown without its ESC" "$(grep -c "$ESC" "$T/out")" 0
ok "sites list" lt --data "$D" sites list
is "sites list shows no ESC" "$(grep -c "$ESC" "$T/out")" 0
ok "records list" lt --data "$D" records list
is "records list shows no ESC" "$(grep -c "$ESC" "$T/out")" 0

# --raw: the exact signed bytes.
lt --data "$D" records show "$ID1" --raw >"$T/r1.json"
is "--raw hashes to the record's id" \
    "$(sha256sum <"$T/r1.json" | cut -d' ' -f1)" "$ID1"
is "--raw of another record hashes to its id" \
    "$(lt --data "$D" records show "$ID2" --raw | sha256sum | cut -d' ' -f1)" \
    "$ID2"
is "--raw is one JSON object of type inspection" \
    "$(json 'd["type"] + " " + str(d["format"])' <"$T/r1.json")" "inspection 1"

# --minisig: minisign's four lines.
lt --data "$D" records show "$ID1" --minisig >"$T/r1.minisig"
is "--minisig has 4 lines" "$(wc -l <"$T/r1.minisig" | tr -d ' ')" 4
check "line 1 is an untrusted comment" \
    grep -q '^untrusted comment: ' "$T/r1.minisig"
is "line 2 is a prehashed (ED) signature by the device key" \
    "$(sed -n 2p "$T/r1.minisig" | python3 -c 'import base64, sys
b = base64.b64decode(sys.stdin.read().strip())
print(len(b), b[:2].decode(), b[2:10][::-1].hex().upper())')" "74 ED $KEYID"
is "line 3 is the trusted comment naming the record" \
    "$(sed -n 3p "$T/r1.minisig")" \
    "trusted comment: lantian inspection id=$ID1 device=$KEYID seq=1"
is "line 4 is a 64-byte global signature" \
    "$(sed -n 4p "$T/r1.minisig" | python3 -c 'import base64, sys
print(len(base64.b64decode(sys.stdin.read().strip())))')" 64
is "record 2's trusted comment says seq=2" \
    "$(lt --data "$D" records show "$ID2" --minisig | sed -n 3p)" \
    "trusted comment: lantian inspection id=$ID2 device=$KEYID seq=2"
fails 2 "--raw and --minisig together are a usage error" \
    lt --data "$D" records show "$ID1" --raw --minisig

# Ids: a prefix will do; unknown ones are errors.
P=$(echo "$ID1" | cut -c1-12)
ok "records show with a 12-digit prefix" lt --data "$D" records show "$P" --raw
is "it is the same record" "$(sha256sum <"$T/out" | cut -d' ' -f1)" "$ID1"
ok "records show with the prefix, readable" lt --data "$D" records show "$P"
out_has "it shows the full id" "^record +$ID1\$"
fails 1 "an unknown id is an error" lt --data "$D" records show \
    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
err_has "it says so" "^lantian: .*0123456789abcdef.*not found"
fails 1 "something that is not an id is an error" lt --data "$D" records \
    show "not-an-id"
err_has "it says so" "^lantian: not-an-id: "
fails 2 "records show without an id is a usage error" lt --data "$D" records \
    show

# records list and its filters.
ok "records list" lt --data "$D" records list
out_has "it has a header" "^created +id +device +seq +site +form +status"
P2=$(echo "$ID2" | cut -c1-12)
out_has "it shows each record's id (12 digits), device, seq, site, form" \
    "^$LANTIAN_NOW +$P2 +$KEYID +2 +XY-E-102 +boiler +signed"
is "one line per record and the header" "$(wc -l <"$T/out" | tr -d ' ')" 5
ok "records list --site XY-E-102 --json" lt --data "$D" records list \
    --site XY-E-102 --json
is "only that site's record" "$(json '[r["id"] for r in d]' <"$T/out")" \
    "[\"$ID2\"]"
ok "records list --form coal-ban --json" lt --data "$D" records list \
    --form coal-ban --json
is "only coal-ban records" "$(json 'sorted(set(r["form"] for r in d)) + [len(d)]' <"$T/out")" \
    '["coal-ban", 2]'
ok "records list --form boiler --site XY-H-101 --json" lt --data "$D" \
    records list --form boiler --site XY-H-101 --json
is "nothing matches both" "$(json 'len(d)' <"$T/out")" 0
ok "records list --json" lt --data "$D" records list --json
is "every entry has id, type, device, seq, site, form, created, status" \
    "$(json 'all(set(["id","type","device","seq","site","form","created","status"]) <= set(r) for r in d)' <"$T/out")" \
    true
ok "records list --site XY-E-101 (readable)" lt --data "$D" records list \
    --site XY-E-101
check "shows that site's record" grep -q "$P " "$T/out"
check "and not another site's" test -z "$(grep "$P2" "$T/out")"

done_testing
