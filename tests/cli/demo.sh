#!/bin/sh
# lantian demo: a ready demo data set (what the README's first command ends
# in), that verifies, and that a second run leaves as it is.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/demo
ok "lantian --data DIR demo" lt --data "$D" demo
out_has "it says where the demo data is" "^demo data in $D "
out_has "and the demo passphrase" "passphrase \"demo\""
out_has "it lists the records" "^created +id +device +seq +site +form +status"
NREC=$(grep -c -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+ +[0-9a-f]{12} +[0-9A-F]{16} +[0-9]+ ' "$T/out")
check "several records are listed ($NREC)" test "$NREC" -ge 3
cp "$T/out" "$T/demo1.out"

ok "records list --json of the demo" lt --data "$D" records list --json
is "the listing showed every record" "$(json 'len(d)' <"$T/out")" "$NREC"
is "they form one chain, seq 1..n" \
    "$(json 'sorted(r["seq"] for r in d) == list(range(1, len(d) + 1)) and len(set(r["device"] for r in d)) == 1' <"$T/out")" \
    true
is "every shipped checklist but VOC is used" \
    "$(json 'sorted(set(r["form"] for r in d))' <"$T/out")" \
    '["boiler", "coal-ban", "construction-dust", "dustfall", "fire-point", "mine", "restaurant-fume"]'
sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$T/out" | sort >"$T/ids1"
ok "lantian verify of the demo data passes" lt --data "$D" verify
err_has "it checked every record" "^lantian: $NREC record\(s\) checked, 0 problem"

# The demo has sites of 下冶镇 and findings to follow.
ok "sites list of the demo" lt --data "$D" sites list --json
check "there are sites of several kinds" \
    test "$(json 'len(set(s["kind"] for s in d))' <"$T/out")" -ge 3
check "in 下冶村" grep -q '下冶村' "$T/out"
N=$(sqlite3 "$D/lantian.db" "SELECT count(*) FROM findings WHERE closed_by IS NULL")
check "there are open findings to follow ($N)" test "$N" -ge 1
check "the demo's key is sealed like any other" \
    test "$(stat -c %a "$D/keys/device.key")" = 600

NREC0=$NREC

# The demo passphrase opens the demo's key: an inspector can go on.
lt --data "$D" sites list --kind enterprise | head -n 1 | cut -f1 >"$T/site"
printf 'demo\n' >"$T/demo-pass"
answers gas "$GAS_BOILER"
ok "an inspection in the demo data with passphrase \"demo\"" lt --data "$D" \
    inspect --ack-name 赵厂长 --ack-role 负责人 --site "$(cat "$T/site")" --form boiler --answers "$A" \
    --passphrase-file "$T/demo-pass"
NREC=$((NREC + 1))
sort -o "$T/ids1" "$T/ids1" - <"$T/out"

# A second run changes nothing.
ok "lantian demo a second time" lt --data "$D" demo
ok "records list --json" lt --data "$D" records list --json
is "no record is added or duplicated" "$(json 'len(d)' <"$T/out")" "$NREC"
sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$T/out" | sort >"$T/ids2"
check "the same records" cmp "$T/ids1" "$T/ids2"
is "one seq per record still" \
    "$(json 'len(set(r["seq"] for r in d)) == len(d)' <"$T/out")" true
ok "the demo data still verifies" lt --data "$D" verify

# Without --data the demo has a directory of its own, never the real one.
ok "lantian demo without --data" lt demo
out_has "the demo dir is \$XDG_DATA_HOME/lantian-demo" \
    "^demo data in $XDG_DATA_HOME/lantian-demo "
check "its store is there" test -s "$XDG_DATA_HOME/lantian-demo/lantian.db"
check "the real data dir is not touched" test ! -e "$XDG_DATA_HOME/lantian"
LANTIAN_HOME=$T/mine
export LANTIAN_HOME
ok "lantian demo with \$LANTIAN_HOME" lt demo
out_has "the demo dir is \$LANTIAN_HOME-demo" "^demo data in $T/mine-demo "
check "the real data dir is not touched" test ! -e "$T/mine"
unset LANTIAN_HOME

# A demo stopped half-way is finished by the next run, not left half-made
# for ever.  Here it stops at a boiler checklist it cannot fill in.
mkdir "$T/strict-forms"
cp "$LANTIAN_FORMS_DIR"/*.json "$T/strict-forms/"
python3 -c 'import json, sys
p = sys.argv[1]
f = json.load(open(p))
f["questions"].append({"id": "demo_cannot_answer", "type": "text",
    "required": True, "label": {"zh": "演示不答", "en": "The demo cannot answer"}})
json.dump(f, open(p, "w"), ensure_ascii=False, indent=1)' \
    "$T/strict-forms/boiler.json"
LANTIAN_FORMS_DIR=$T/strict-forms run lt --data "$T/half" demo
check "(a demo with a checklist it cannot fill in fails)" test "$RC" -ne 0
ok "the next lantian demo" lt --data "$T/half" demo
ok "records list --json" lt --data "$T/half" records list --json
is "the demo data is complete: as many records as a demo run at once" \
    "$(json 'len(d)' <"$T/out")" "$NREC0"
is "every shipped checklist but VOC is used" \
    "$(json 'sorted(set(r["form"] for r in d))' <"$T/out")" \
    '["boiler", "coal-ban", "construction-dust", "dustfall", "fire-point", "mine", "restaurant-fume"]'
ok "and it verifies" lt --data "$T/half" verify

# The demo's evidence bundle: its report.html says the selection in the
# report's language, never in English in a Chinese page.
ok "export the demo's boiler site" lt --data "$D" export --site XY-E-001 \
    --case 演示-001 --out "$T/case" --passphrase-file "$T/demo-pass"
check "the Chinese report names the selection in Chinese" \
    grep -q '<th>选取范围</th><td>站点 XY-E-001 的记录</td>' \
    "$T/case/data/report.html"
check "not in English" sh -c "! grep -q 'the records of' '$T/case/data/report.html'"
check "bag-info.txt keeps it in English" \
    grep -q '^Internal-Sender-Description: the records of site XY-E-001' \
    "$T/case/bag-info.txt"
ok "the English report" lt --data "$D" export --site XY-E-001 \
    --case demo-001 --out "$T/case-en" --lang en --passphrase-file "$T/demo-pass"
check "names it in English" \
    grep -q '<th>Selection</th><td>the records of site XY-E-001</td>' \
    "$T/case-en/data/report.html"

fails 2 "lantian demo with an argument is a usage error" lt --data "$D" demo x
err_has "its message starts with lantian:" "^lantian: demo"

done_testing
