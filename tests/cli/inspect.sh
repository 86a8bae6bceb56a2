#!/bin/sh
# lantian sites import, lantian inspect: validate, sign, chain, store.
set -u
. "$top_srcdir/tests/cli/lib.sh"

# A fixed clock, so that deadlines are known (and never go backwards).
LANTIAN_NOW=2030-03-01T08:00:00Z
export LANTIAN_NOW

D=$T/data
lt_init "$D"
KEYID=$(lt_keyid "$D")

# The sites an inspector visits, from a spreadsheet's CSV.
ok "sites import reads the CSV" lt --data "$D" sites import "$SITES_CSV"
out_has "it imports all $NSITES sites" "^$NSITES site\(s\) imported"
ok "sites list --json" lt --data "$D" sites list --json
is "sites list has them all" "$(json 'len(d)' <"$T/out")" "$NSITES"
is "a quoted name keeps its comma" \
    "$(json '[s["name"] for s in d if s["id"] == "XY-E-102"]' <"$T/out")" \
    '["济源市南岭建材有限公司,二厂"]'
is "kinds and villages are read" \
    "$(json '[(s["kind"], s["village"]) for s in d if s["id"] == "XY-S-101"]' <"$T/out")" \
    '[["shop", "下冶村"]]'
ok "sites list --kind household" lt --data "$D" sites list --kind household
is "lists the two households" "$(wc -l <"$T/out" | tr -d ' ')" 2
# Whatever went wrong above, the checks below need the sites.
[ "$(lt --data "$D" sites list | wc -l)" -eq "$NSITES" ] ||
    sites_fallback "$D" "$SITES_CSV"

count() { lt_count "$D"; }

# A first inspection.
answers gas "$GAS_BOILER"
GAS=$A
ok "inspect a gas boiler" lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
    --form boiler --answers "$GAS" --passphrase-file "$PASSFILE"
ID1=$(cat "$T/out")
check "it prints one 64-hex id on stdout" \
    grep -q -x -E '[0-9a-f]{64}' "$T/out"
is "and nothing else" "$(wc -l <"$T/out" | tr -d ' ')" 1
ok "records list --json" lt --data "$D" records list --json
is "the record is listed: inspection, seq 1, site, form, device, status" \
    "$(json '[(r["type"], r["seq"], r["site"], r["form"], r["device"], r["status"]) for r in d if r["id"] == a[0]]' "$ID1" <"$T/out")" \
    "[[\"inspection\", 1, \"XY-E-101\", \"boiler\", \"$KEYID\", \"signed\"]]"
lt --data "$D" records show "$ID1" --raw >"$T/r1.json"
is "the first record's prev is null" "$(json 'd["prev"]' <"$T/r1.json")" null
is "it names the inspector" "$(json 'd["inspector"]["name"] + " " + d["inspector"]["badge"]' <"$T/r1.json")" \
    "张伟 XY-017"
is "it cites the form by id, version and sha256 of the file" \
    "$(json '[d["form"]["id"], d["form"]["version"], d["form"]["sha256"]]' <"$T/r1.json")" \
    "[\"boiler\", $(json 'd["version"]' <"$(form_file boiler)"), \"$(sha256sum <"$(form_file boiler)" | cut -d' ' -f1)\"]"
is "it stores the answers as given" \
    "$(json '[d["answers"]["fuel"], d["answers"]["capacity_tph"] == 12]' <"$T/r1.json")" \
    '["gas", true]'

# The second one chains to the first.
answers coal "$COAL_BOILER"
COAL=$A
ok "inspect a coal boiler" lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-102 --form boiler \
    --answers "$COAL" --passphrase-file "$PASSFILE"
ID2=$(cat "$T/out")
lt --data "$D" records show "$ID2" --raw >"$T/r2.json"
is "its seq is 2" "$(json 'd["seq"]' <"$T/r2.json")" 2
is "its prev is the first record's id" "$(json 'd["prev"]' <"$T/r2.json")" \
    "$ID1"
DAYS=$(python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
print([x["deadline_days"] for x in f["findings"] if x["id"] == "coal-le35"][0])' \
    "$(form_file boiler)")
DEADLINE=$(python3 -c 'import datetime, sys
print(datetime.date(2030, 3, 1) + datetime.timedelta(days=int(sys.argv[1])))' "$DAYS")
is "its created time is the clock's" "$(json 'd["created"]' <"$T/r2.json")" \
    "$LANTIAN_NOW"
is "the finding is in the record: rule, task, severity, deadline" \
    "$(json '[(f["rule"], f["task"], f["severity"], f["deadline"]) for f in d["findings"]]' <"$T/r2.json")" \
    "[[\"coal-le35\", 11, \"violation\", \"$DEADLINE\"]]"
is "with its text and action" \
    "$(json 'sorted(d["findings"][0]["text"]) + sorted(d["findings"][0]["action"])' <"$T/r2.json")" \
    '["en", "zh", "en", "zh"]'
is "and in the findings table, open" \
    "$(sqlite3 "$D/lantian.db" "SELECT rule, task, severity, deadline, closed_by IS NULL FROM findings WHERE record = '$ID2'")" \
    "coal-le35|11|violation|$DEADLINE|1"
is "the gas boiler has no finding" \
    "$(json 'd["findings"]' <"$T/r1.json")" "[]"

# Refusals create nothing.
N=$(count)
MAX=$(python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
print([q.get("max", 1000000) for q in f["questions"] if q["id"] == "capacity_tph"][0])' \
    "$(form_file boiler)")
answers big "$(echo "$GAS_BOILER" | sed "s/\"capacity_tph\": 12/\"capacity_tph\": $MAX.5/")"
printf '\211PNG\r\n\032\n\0\0\0\rIHDRorphan\n' >"$T/orphan.png"
ORPHAN=$(sha256sum "$T/orphan.png" | cut -d' ' -f1)
fails 1 "capacity_tph above its max is refused" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-101 --form boiler --answers "$A" --attach "$T/orphan.png" \
    --passphrase-file "$PASSFILE"
err_has "the message names the question" "^lantian: .*capacity_tph"
is "no record is created" "$(count)" "$N"
check "the attachment is not taken into the store" \
    test ! -e "$D/attachments/$(echo "$ORPHAN" | cut -c1-2)/$ORPHAN"
answers nofuel '{"use": "heating", "capacity_tph": 12}'
fails 1 "a missing required answer is refused" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-101 --form boiler --answers "$A" --passphrase-file "$PASSFILE"
err_has "the message names the question" "^lantian: .*fuel: required"
is "no record is created" "$(count)" "$N"
# An answer larger than a whole record may be (1 MiB) is refused, named.
python3 -c 'import json, sys
a = json.loads(sys.argv[1])
a["notes"] = "长" * 400000
print(json.dumps(a))' "$GAS_BOILER" >"$T/huge.json"
fails 1 "a text answer of 1.2 MB is refused" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-101 --form boiler --answers "$T/huge.json" \
    --passphrase-file "$PASSFILE"
err_has "the message names the answer, not the form" "^lantian: .*notes"
is "no record is created" "$(count)" "$N"
fails 1 "an unknown site is refused" lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-NOPE \
    --form boiler --answers "$GAS" --passphrase-file "$PASSFILE"
err_has "the message names the site" "^lantian: .*XY-NOPE.*not registered"
fails 1 "an unknown form is refused" lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
    --form no-such-form --answers "$GAS" --passphrase-file "$PASSFILE"
err_has "the message names the form" "^lantian: .*no-such-form.*not found"
fails 1 "a wrong passphrase is refused" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-101 --form boiler --answers "$GAS" --passphrase-file "$WRONGPASS"
err_has "the message says passphrase" "^lantian: .*passphrase"
is "no record is created" "$(count)" "$N"
fails 2 "inspect without --site is a usage error" lt --data "$D" inspect \
    --form boiler --answers "$GAS" --passphrase-file "$PASSFILE"
fails 2 "--ack-name without --ack-role is a usage error" lt --data "$D" \
    inspect --site XY-E-101 --form boiler --answers "$GAS" --ack-name 王 \
    --passphrase-file "$PASSFILE"
is "still no record" "$(count)" "$N"

# Attachments: content-addressed, described in the record.
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' >"$T/photo.png"
printf '\377\330\377\340\0\20JFIF\0\1\1\0\0\1\0\1\0\0\377\331' >"$T/scan.jpg"
PNG=$(sha256sum "$T/photo.png" | cut -d' ' -f1)
JPG=$(sha256sum "$T/scan.jpg" | cut -d' ' -f1)
ok "inspect with two attachments and notes" lt --data "$D" inspect \
    --site XY-E-101 --form boiler --answers "$GAS" --attach "$T/photo.png" \
    --attach "$T/scan.jpg" --notes "锅炉房门锁着; door was locked" \
    --ack-name 赵厂长 --ack-role 负责人 --passphrase-file "$PASSFILE"
ID3=$(cat "$T/out")
lt --data "$D" records show "$ID3" --raw >"$T/r3.json"
is "attachments[] has sha256, name, bytes, mime of each" \
    "$(json '[(x["sha256"], x["name"], x["bytes"], x["mime"]) for x in d["attachments"]]' <"$T/r3.json")" \
    "[[\"$PNG\", \"photo.png\", $(wc -c <"$T/photo.png"), \"image/png\"], [\"$JPG\", \"scan.jpg\", $(wc -c <"$T/scan.jpg"), \"image/jpeg\"]]"
check "the PNG is at attachments/<aa>/<sha256> with identical content" \
    cmp "$T/photo.png" "$D/attachments/$(echo "$PNG" | cut -c1-2)/$PNG"
check "the JPEG too" \
    cmp "$T/scan.jpg" "$D/attachments/$(echo "$JPG" | cut -c1-2)/$JPG"
is "the notes are stored" "$(json 'd["notes"]' <"$T/r3.json")" \
    "锅炉房门锁着; door was locked"
is "the acknowledgment is stored" \
    "$(json '[d["acknowledged"][k] for k in ("name", "role", "refused")]' <"$T/r3.json")" \
    '["赵厂长", "负责人", false]'
is "the attachments table knows both" \
    "$(sqlite3 "$D/lantian.db" "SELECT mime FROM attachments ORDER BY mime")" \
    "$(printf 'image/jpeg\nimage/png')"
fails 1 "a refused inspection attaching the same photo again" \
    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler \
    --answers "$T/nofuel.json" --attach "$T/photo.png" \
    --passphrase-file "$PASSFILE"
check "leaves the stored photo of the earlier record in place" \
    cmp "$T/photo.png" "$D/attachments/$(echo "$PNG" | cut -c1-2)/$PNG"
fails 1 "a missing attachment file is an error" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-101 --form boiler --answers "$GAS" \
    --attach "$T/no-such.png" --passphrase-file "$PASSFILE"
err_has "naming the file" "^lantian: .*no-such.png"

# A photo answer may name an attached file: the record holds its sha256.
# The first photo question of the shipped forms shown with our answers.
PHOTO=
for PFORM in boiler coal-ban; do
	if [ $PFORM = boiler ]; then BASE=$GAS_BOILER SITE=XY-E-101
	else BASE=$COAL_BAN SITE=XY-H-101; fi
	for q in $(python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
print(" ".join(q["id"] for q in f["questions"] if q.get("type") == "photo"))' \
	    "$(form_file $PFORM)"); do
		answers try "$(echo "$BASE" | sed "s/}\$/, \"$q\": \"$PNG\"}/")"
		if lt forms try $PFORM --answers "$A" --json 2>/dev/null |
		    json 'a[0] in d["relevant"] and not d["missing"]' "$q" |
		    grep -q -x true; then
			PHOTO=$q
			break 2
		fi
	done
done
if [ -n "$PHOTO" ]; then
	WITH=$(echo "$BASE" | sed "s/}\$/, \"$PHOTO\": \"photo.png\"}/")
	if lt_inspect "$D" "$SITE" "$PFORM" "$WITH" --attach "$T/photo.png"; then
		pass "$PFORM: a photo answer naming the attached file is accepted"
		lt --data "$D" records show "$ID" --raw >"$T/r4.json"
		is "the record stores the photo's sha256" \
		    "$(json 'd["answers"][a[0]]' "$PHOTO" <"$T/r4.json")" "$PNG"
	fi
	answers nophoto "$(echo "$BASE" | sed "s/}\$/, \"$PHOTO\": \"other.png\"}/")"
	fails 1 "a photo answer naming a file not attached is refused" \
	    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site "$SITE" --form "$PFORM" --answers "$A" \
	    --attach "$T/photo.png" --passphrase-file "$PASSFILE"
	err_has "the message names the question" "^lantian: .*$PHOTO"
else
	skip "a photo answer naming the attached file" "no photo question"
fi

# Following up: a re-inspection on which the rule no longer fires closes it.
N=$(count)
fails 1 "--follows a record of another site is refused" lt --data "$D" \
    inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers "$GAS" --follows "$ID2" \
    --passphrase-file "$PASSFILE"
err_has "the message names both sites" "^lantian: .*XY-E-102.*XY-E-101"
fails 1 "--follows an unknown record is refused" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-102 --form boiler --answers "$GAS" --passphrase-file \
    "$PASSFILE" --follows 0000000000000000000000000000000000000000000000000000000000000000
is "no record is created" "$(count)" "$N"
lt_inspect "$D" XY-E-102 boiler "$COAL_BOILER" --follows "$ID2"
STILL=$ID
is "a follow-up on which the rule still fires leaves it open" \
    "$(sqlite3 "$D/lantian.db" "SELECT closed_by IS NULL FROM findings WHERE record = '$ID2'")" 1
P12=$(echo "$ID2" | cut -c1-12)
ok "a re-inspection, the boiler now on gas (--follows a 12-digit prefix)" \
    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-102 --form boiler --answers "$GAS" \
    --follows "$P12" --passphrase-file "$PASSFILE"
ID5=$(cat "$T/out")
is "the record names the full id it follows" \
    "$(lt --data "$D" records show "$ID5" --raw | json 'd["follows"]')" "$ID2"
is "the finding is closed by the re-inspection" \
    "$(sqlite3 "$D/lantian.db" "SELECT closed_by FROM findings WHERE record = '$ID2' AND rule = 'coal-le35'")" \
    "$ID5"
is "the finding that fired again stays open" \
    "$(sqlite3 "$D/lantian.db" "SELECT count(*) FROM findings WHERE record = '$STILL' AND closed_by IS NULL")" 1

# --form takes a file as well as an id.
ok "inspect --form FILE" lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
    --form "$(form_file boiler)" --answers "$GAS" --passphrase-file "$PASSFILE"
is "the record cites the form's id" \
    "$(lt --data "$D" records show "$(cat "$T/out")" --raw | json 'd["form"]["id"]')" \
    boiler

# The chain after all this: seq 1..n without a hole, and it verifies.
ok "records list --json" lt --data "$D" records list --json
is "seqs are 1..n" "$(json 'sorted(r["seq"] for r in d) == list(range(1, len(d) + 1))' <"$T/out")" \
    true
ok "lantian verify passes" lt --data "$D" verify

done_testing
