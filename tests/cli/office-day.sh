#!/bin/sh
# The office's and the inspector's day on the command line, without the
# traps of issue 18:
#   11  sites import names each problem of a file (FILE:LINE: field:
#       why), all of them in one run, and imports nothing then;
#   12  office init tells how to enrol the office machine's own key (the
#       exact command, which works), or enrols it (--enrol-device); so
#       does an export by a key not on the roster;
#   14  lantian inspect signs only with the site representative's
#       acknowledgment (or a witnessed refusal): the TUI's rule and words;
#    5  a second draw of a month and kind is refused without --redraw
#       REASON; with it, both draws and the reason travel signed and are
#       shown together (draw, draw --show, the inspector's copy, publish);
#   10  publish: only what the office accepted, said on the page; the page
#       laid out for A4, its times in the local zone, named;
#   15  one inspector's three contradicting records of a site's day are
#       conflicts, as two inspectors' are;
#   16  a wrong passphrase names the key (device or office, and its id);
#       forms try names every type error of an answers file in one run;
#   and rejecting a record the office accepted needs --force;
# and more below, each under its number.
. "$top_srcdir/tests/cli/lib.sh"

D=$T/d
lt_init "$D"
lt_sites "$D"
answers gas "$GAS_BOILER"
GAS=$A
count() { lt_count "$D"; }

# 14: no acknowledgment, no record; the TUI's message; no passphrase asked.
N=$(count)
fails 2 "14: inspect without an acknowledgment is refused" lt --data "$D" \
    inspect --site XY-E-101 --form boiler --answers "$GAS" \
    --passphrase-file "$WRONGPASS"
err_has "14: in the TUI's words" \
    "^lantian: inspect: acknowledgment: First the site representative's acknowledgment \(or refusal to sign\)\."
err_has "14: naming the options" "--ack-name N --ack-role R, or --ack-refused --ack-witness W"
check "14: before the passphrase (a wrong one is not even tried)" \
    sh -c "! grep -q 'wrong passphrase' '$T/err'"
is "14: no record is created" "$(count)" "$N"
fails 2 "14: a name without a role is refused" lt --data "$D" inspect \
    --site XY-E-101 --form boiler --answers "$GAS" --ack-name 赵厂长 \
    --ack-role "" --passphrase-file "$PASSFILE"
err_has "14: as the TUI says it" \
    "acknowledgment: The representative's name and role are both needed \(or mark the refusal\)\."
fails 2 "14: a refusal without a witness is refused" lt --data "$D" inspect \
    --site XY-E-101 --form boiler --answers "$GAS" --ack-refused \
    --passphrase-file "$PASSFILE"
err_has "14: as the TUI says it" "acknowledgment: A refusal needs a witness\."
is "14: still no record" "$(count)" "$N"
ok "14: a witnessed refusal signs" lt --data "$D" inspect --site XY-E-101 \
    --form boiler --answers "$GAS" --ack-refused --ack-witness 王村长 \
    --passphrase-file "$PASSFILE"
lt --data "$D" records show "$(head -n 1 "$T/out")" --raw >"$T/r14.json"
is "14: the record says refused, with the witness" \
    "$(json '[d["acknowledged"]["refused"], d["acknowledged"]["witness"]]' <"$T/r14.json")" \
    '[true, "王村长"]'
ok "14: an acknowledgment signs" lt --data "$D" inspect --site XY-E-101 \
    --form boiler --answers "$GAS" --ack-name 赵厂长 --ack-role 负责人 \
    --passphrase-file "$PASSFILE"
is "14: two records" "$(count)" "$((N + 2))"
check "14: the TUI takes its words from the same rule in core" \
    sh -c "grep -q 'inspect_ack_problem' '$top_srcdir/tui/flow.c' && \
    grep -q 'inspect_ack_problem' '$top_srcdir/tui/screen_ack.c'"

# 5: the draw is final once signed.
TZ=Asia/Shanghai
export TZ
O=$T/office
I=$T/inspector
STICK=$T/stick.git
LANTIAN_NOW=2029-12-20T08:00:00Z
export LANTIAN_NOW
lt_office_init "$O"
lt_sites "$O"
setup "the inspector" "$LANTIAN" --data "$I" init --name 李娜 --badge XY-021 \
    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
setup "enrol her" "$LANTIAN" --data "$O" roster add "$I/keys/device.pub" \
    --name 李娜 --badge XY-021 --from 2020-01-01 --passphrase-file "$PASSFILE"
draw() {
	"$LANTIAN" --data "$O" draw --month 2030-01 --kind household --sites 1 \
	    --inspectors-per-site 1 --passphrase-file "$PASSFILE" "$@"
}
fails 1 "5: --redraw with nothing drawn yet is refused" draw --seed 一 \
    --redraw 试试
err_has "5: saying so" "^lantian: draw: 2030-01 household: not drawn yet"
ok "5: the first draw" draw --seed 一月第一次
LANTIAN_NOW=2029-12-21T02:30:00Z
fails 1 "5: a second draw of the month and kind is refused" draw \
    --seed 一月第二次
err_has "5: saying when the first was signed (local time) and what to do" \
    '^lantian: draw: 2030-01 household: already drawn on 2029-12-20 16:00 CST \(UTC\+08:00\): give --redraw REASON to draw again$'
fails 2 "5: --redraw needs a reason" draw --seed 一月第二次 --redraw ""
ok "5: --redraw REASON draws again" draw --seed 一月第二次 \
    --redraw "名册漏了新检查员"
out_has "5: it shows the replaced draw" \
    '^2030-01 household, draw 1 \(replaced\), signed 2029-12-20 16:00 CST \(UTC\+08:00\)$'
out_has "5: beside the one in force" \
    '^2030-01 household, draw 2 \(in force\), signed 2029-12-21 10:30 CST \(UTC\+08:00\)$'
out_has "5: with the reason" '^  drawn again because: 名册漏了新检查员$'
ok "5: draw --show --json" "$LANTIAN" --data "$O" draw --show --month 2030-01 \
    --json
is "5: both draws, the second with its reason and seed" \
    "$(json '[(x["draw"], x["in_force"], x["seed"], x["reason"]) for x in d]' <"$T/out")" \
    '[[1, false, "一月第一次", null], [2, true, "一月第二次", "名册漏了新检查员"]]'
python3 - "$O/lantian.db" "$T" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
body, sig = db.execute("SELECT body, sig FROM office_docs WHERE path = ?",
    ("assignments/2030-01-household.json",)).fetchone()
open(sys.argv[2] + "/draw2.json", "wb").write(body)
open(sys.argv[2] + "/draw2.json.minisig", "w").write(sig)
prev = json.loads(body)["redraw"]["previous"]
open(sys.argv[2] + "/draw1.json", "wb").write(prev["document"].encode())
open(sys.argv[2] + "/draw1.json.minisig", "w").write(prev["minisig"])
PY
if command -v minisign >/dev/null 2>&1; then
	ok "5: minisign verifies the redraw with office.pub" minisign -V -q \
	    -p "$O/keys/office.pub" -m "$T/draw2.json"
	ok "5: and the first draw it carries, with its own signature" \
	    minisign -V -q -p "$O/keys/office.pub" -m "$T/draw1.json"
else
	skip "5: minisign verifies the redraw" "minisign is not installed"
	skip "5: and the first draw it carries" "minisign is not installed"
fi
is "5: the first draw carried is the first draw's bytes (still format 1)" \
    "$(json '[d["format"], d["seed"], "redraw" in d]' <"$T/draw1.json")" \
    '[1, "一月第一次", false]'
ok "5: --dry-run of the redraw's seed gives its draw" "$LANTIAN" --data "$O" \
    draw --month 2030-01 --kind household --sites 1 --inspectors-per-site 1 \
    --seed 一月第二次 --dry-run --json
is "5: the same assignments" "$(json 'd["assignments"]' <"$T/out")" \
    "$(json 'd["assignments"]' <"$T/draw2.json")"
setup "the stick" "$LANTIAN" --data "$O" remote add usb "$STICK" --create
setup "the office syncs" "$LANTIAN" --data "$O" sync usb
setup "the inspector syncs" "$LANTIAN" --data "$I" sync "$STICK"
ok "5: the inspector's device has both draws" "$LANTIAN" --data "$I" draw \
    --show --month 2030-01 --kind household
out_has "5: the first, replaced" '^2030-01 household, draw 1 \(replaced\)'
out_has "5: the second, in force, with the reason" \
    '^2030-01 household, draw 2 \(in force\)'
out_has "5: the reason travelled" '^  drawn again because: 名册漏了新检查员$'

# 10: publish only what the office accepted.
LANTIAN_NOW=2030-01-04T01:00:00Z
lt_inspect "$O" XY-E-101 boiler "$COAL_BOILER"
ACC=$ID
lt_inspect "$O" XY-E-102 boiler "$GAS_BOILER"
PEND=$ID
lt_inspect "$O" XY-R-101 restaurant-fume '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}' --any-kind
RET=$ID
lt_inspect "$O" XY-H-101 coal-ban "$COAL_BAN"
REJ=$ID
review() {
	setup "review $1 $2" "$LANTIAN" --data "$O" review "$@" \
	    --passphrase-file "$PASSFILE"
}
review "$ACC" --accept
review "$RET" --return "铭牌照片？"
review "$REJ" --reject "地点不对"
LANTIAN_NOW=2030-01-25T09:00:00Z
ok "10: publish January" "$LANTIAN" --data "$O" publish --month 2030-01 \
    --out "$T/pub"
out_has "10: one result: the accepted record" '^1 result\(s\) of 2030-01 in '
out_has "10: it says the others are not published" \
    '^only the records the office accepted: 3 other\(s\) of the month \(pending review, returned or rejected\) not published$'
J=$T/pub/results-2030-01.json
is "10: the accepted one only" \
    "$(json '[r["site"] for r in d["results"]]' <"$J")" '["XY-E-101"]'
is "10: the JSON says what it selected" \
    "$(json '[d["selection"], d["not_accepted"]]' <"$J")" '["accepted", 3]'
H=$T/pub/index.html
check "10: the page says only accepted records are published" \
    grep -q -F '并经生态环境办公室审核通过的检查记录 1 条（待审核、退回补正和不予采信的记录不公示）' "$H"
check "10: laid out for A4" grep -q -F '@page{size:A4' "$H"
check "10: columns of fixed widths, the village's among them" \
    sh -c "grep -q -F 'table-layout:fixed' '$H' && grep -q -F 'col.village{width:9%}' '$H' && grep -q -F '<col class=\"village\">' '$H'"
check "10: the time in Beijing time, named" \
    grep -q -F '截至 2030-01-25 17:00 CST (UTC+08:00)' "$H"
check "10: no raw UTC time on the page" sh -c "! grep -q -E '[0-9]T[0-9:]+Z' '$H'"
# The village column as a browser lays it out at A4's width (794 px):
# a copy of the page with a script that measures, its result in the
# title (the page itself runs no script).
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROME" ] && command -v fc-list >/dev/null 2>&1 &&
    fc-list :lang=zh | grep -q .; then
	sed 's|</body>|<script>var t = document.querySelectorAll("table")[document.querySelectorAll("table").length - 1], td = t.rows[1].cells[2], r = document.createRange(); r.selectNodeContents(td); document.title = "lines=" + r.getClientRects().length + " width=" + Math.round(td.getBoundingClientRect().width);</script></body>|' \
	    "$H" >"$T/probe.html"
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$T/chrome" --window-size=794,1123 --dump-dom \
	    "file://$T/probe.html" >"$T/probe.out" 2>"$T/chrome.log"
	is "10: at A4's width the village (下冶村) is on one line, not one character a line" \
	    "$(sed -n 's/.*<title>\(lines=[0-9]*\) width=.*<\/title>.*/\1/p' "$T/probe.out")" \
	    "lines=1"
else
	skip "10: the village column at A4's width" "no chromium or no Chinese font (tools/deps.sh --tests)"
fi
check "10 (5): the page shows both draws side by side" \
    sh -c "grep -q -F '第 1 次抽取 2029-12-20（已作废）' '$H' && grep -q -F '第 2 次抽取 2029-12-21（有效）' '$H' && grep -q -F '重新抽取的理由：名册漏了新检查员' '$H'"
check "10 (5): a drawn household by its village only" \
    sh -c "! grep -q -F '王建国家' '$H' && ! grep -q -F '李秀英家' '$H'"
unset TZ

# 16: which key the passphrase did not open.
lt_inspect "$O" XY-E-101 boiler "$GAS_BOILER"
R16=$ID
fails 1 "16: a wrong passphrase for the device key" "$LANTIAN" --data "$O" \
    inspect --site XY-E-101 --form boiler --answers "$GAS" --ack-name 赵厂长 \
    --ack-role 负责人 --passphrase-file "$WRONGPASS"
err_has "16: names the device key and its id" \
    "^lantian: device key $(lt_keyid "$O"): wrong passphrase$"
OKID=$(sed -n '1s/^untrusted comment: minisign public key //p' "$O/keys/office.pub")
fails 1 "16: a wrong passphrase for the office key" "$LANTIAN" --data "$O" \
    review "$R16" --accept --passphrase-file "$WRONGPASS"
err_has "16: names the office key and its id" \
    "^lantian: office key $OKID: wrong passphrase$"
answers bad16 '{"fuel": 3, "use": "heating", "capacity_tph": "twelve", "status": "running", "colour": "red"}'
fails 1 "16: forms try of an answers file with three type errors" \
    "$LANTIAN" --data "$O" forms try boiler --answers "$A"
err_has "16: the first" "answer fuel: expected one of the choices"
err_has "16: the second, in the same run" "answer capacity_tph: expected a number"
err_has "16: the third" "answer colour: no such question in form boiler"
fails 1 "16: inspect names them all too" "$LANTIAN" --data "$O" inspect \
    --site XY-E-101 --form boiler --answers "$A" --ack-name 赵厂长 \
    --ack-role 负责人 --passphrase-file "$PASSFILE"
err_has "16: all three" "fuel: .*capacity_tph: .*colour: "

# 15: one inspector, one household, one day, three answers.
LANTIAN_NOW=2030-02-03T01:00:00Z
lt_inspect "$D" XY-H-101 coal-ban '{"in_ban_zone": true, "loose_coal": ["none"], "substituted": true, "heating": "electric"}'
C1=$ID
LANTIAN_NOW=2030-02-03T03:00:00Z
lt_inspect "$D" XY-H-101 coal-ban '{"in_ban_zone": true, "loose_coal": ["none"], "substituted": true, "heating": "coal"}'
C2=$ID
LANTIAN_NOW=2030-02-03T05:00:00Z
lt_inspect "$D" XY-H-101 coal-ban '{"in_ban_zone": true, "loose_coal": ["none"], "substituted": true, "heating": "gas"}'
C3=$ID
ok "15: conflicts --json" "$LANTIAN" --data "$D" conflicts --json
is "15: the three records contradict pairwise, on heating" \
    "$(json 'sorted(" ".join(sorted(c["records"])) + " " + ",".join(c["questions"]) for c in d if c["kind"] == "contradiction")' <"$T/out")" \
    "$(python3 -c 'import sys; a = sys.argv[1:]; print(repr(sorted(" ".join(sorted(p)) + " heating" for p in ((a[0], a[1]), (a[0], a[2]), (a[1], a[2])))).replace("'"'"'", "\""))' "$C1" "$C2" "$C3")"
ok "15: conflicts" "$LANTIAN" --data "$D" conflicts
check "15: not \"no conflicts\"" sh -c "! grep -q 'no conflicts' '$T/out'"
# A store whose conflicts were scanned by the rule before (other
# inspectors' records only) is scanned again, once.
sqlite3 "$D/lantian.db" "DELETE FROM conflicts; UPDATE settings SET value = '1' WHERE key = 'conflicts.scanned'"
ok "15: conflicts, on a store scanned by the old rule" "$LANTIAN" --data "$D" \
    conflicts --json
is "15: the three again" \
    "$(json 'len([c for c in d if c["kind"] == "contradiction"])' <"$T/out")" 3

# 12: the office machine's own device key.
S=$T/supervisor
setup "12: the supervisor's machine" "$LANTIAN" --data "$S" init --name 王主任 \
    --badge OF-001 --passphrase-file "$PASSFILE"
lt_sites "$S"
ok "12: office init" "$LANTIAN" --data "$S" office init --passphrase-file \
    "$PASSFILE"
err_has "12: it says the machine's device key is not on the roster" \
    "^lantian: this machine's device key $(lt_keyid "$S") is not on the roster: .*exporter not on the roster"
err_has "12: and the exact command" \
    "^lantian: enrol it: lantian --data $S roster add $S/keys/device.pub --name 王主任 --badge OF-001$"
CMD=$(sed -n 's/^lantian: enrol it: //p' "$T/err")
lt_inspect "$S" XY-E-101 boiler "$GAS_BOILER"
fails 1 "12: an export before it is enrolled is refused" "$LANTIAN" \
    --data "$S" export --site XY-E-101 --case 2030-执-001 --out "$T/case1" \
    --include-unverified --passphrase-file "$PASSFILE"
check "12: nothing is exported" test ! -e "$T/case1"
err_has "12: the export says so too, with the command" \
    "^lantian: enrol it: lantian --data $S roster add $S/keys/device.pub --name 王主任 --badge OF-001$"
# shellcheck disable=SC2086
ok "12: the command it gave works" env PATH="$(dirname "$LANTIAN"):$PATH" \
    $CMD --passphrase-file "$PASSFILE"
ok "12: an export after" "$LANTIAN" --data "$S" export --site XY-E-101 \
    --case 2030-执-002 --out "$T/case2" --include-unverified \
    --passphrase-file "$PASSFILE"
check "12: says nothing of enrolling" sh -c "! grep -q 'not on the roster' '$T/err'"
check "12: its report names the exporter" \
    sh -c "grep -q -F '王主任 (OF-001)' '$T/case2/data/report.html' && ! grep -q -F '不在人员名册上' '$T/case2/data/report.html'"
S2=$T/supervisor2
setup "12: another office machine" "$LANTIAN" --data "$S2" init --name 王主任 \
    --badge OF-001 --passphrase-file "$PASSFILE"
ok "12: office init --enrol-device" "$LANTIAN" --data "$S2" office init \
    --enrol-device --passphrase-file "$PASSFILE"
out_has "12: it says so" "^this machine's device key $(lt_keyid "$S2") on the roster: 王主任 \(OF-001\)"
check "12: and no hint" sh -c "! grep -q 'enrol it' '$T/err'"
ok "12: roster list" "$LANTIAN" --data "$S2" roster list --json
is "12: the device is on it" "$(json '[e["key_id"] for e in d]' <"$T/out")" \
    "[\"$(lt_keyid "$S2")\"]"
S3=$T/supervisor3
fails 1 "12: --enrol-device on a machine without a device key" "$LANTIAN" \
    --data "$S3" office init --enrol-device --name 王 --badge OF-9 \
    --passphrase-file "$PASSFILE"
check "12: made no office key" test ! -e "$S3/keys/office.key"
fails 2 "12: --name without --enrol-device is a usage error" "$LANTIAN" \
    --data "$S3" office init --name 王 --passphrase-file "$PASSFILE"

# Rejecting what the office accepted needs --force ($ACC of item 10).
TZ=Asia/Shanghai
export TZ
fails 1 "reject an accepted record without --force" "$LANTIAN" --data "$O" \
    review "$ACC" --reject "看错了" --passphrase-file "$WRONGPASS"
err_has "it says when it was accepted and what to do (before any passphrase)" \
    "^lantian: review: record $(echo "$ACC" | cut -c1-16) was accepted on 2030-01-04 09:00 CST \(UTC\+08:00\): .*give --force to reject it$"
is "it is still accepted" \
    "$("$LANTIAN" --data "$O" review show "$ACC" --json | json 'd["state"]')" accepted
unset TZ
ok "with --force it is rejected" "$LANTIAN" --data "$O" \
    review "$ACC" --reject "看错了" --force --passphrase-file "$PASSFILE"
is "rejected" \
    "$("$LANTIAN" --data "$O" review show "$ACC" --json | json 'd["state"]')" rejected
ok "a pending record is rejected without --force" "$LANTIAN" --data "$O" \
    review "$PEND" --reject "地点不对" --passphrase-file "$PASSFILE"

# 11: every problem of a sites file, named, in one run.
cat >"$T/sites.csv" <<'EOF'
id,name,kind,village,address,grid_person,credit_code,industry,grade,lat,lon
A1,甲厂,enterprise,下冶村,,,,,,35.1,112.5
A2,乙厂,enterprise,下冶村,,,,,,abc,112.5
A3,丙厂,spaceship,下冶村,,,,,,,
A4,丁厂,enterprise,下冶村,,,,,,95,112.5
A5,戊厂,enterprise,下冶村,,,,
A6,己厂,enterprise,下冶村,,,,,,35.2,
EOF
N11=$("$LANTIAN" --data "$D" sites list --json | json 'len(d)')
fails 1 "11: sites import of a file with five bad lines" "$LANTIAN" --data "$D" \
    sites import "$T/sites.csv"
err_has "11: a latitude that is not a number says so" \
    "^lantian: $T/sites.csv:3: lat: \"abc\" is not a number$"
err_has "11: an unknown kind" "^lantian: $T/sites.csv:4: site A3: unknown kind \"spaceship\""
err_has "11: out of range is out of range" \
    "^lantian: $T/sites.csv:5: lat: 95 is out of range \(-90 to 90\)$"
err_has "11: a short row is named, with its fields" \
    "^lantian: $T/sites.csv:6: 8 fields, expected 11$"
err_has "11: a half location" "^lantian: $T/sites.csv:7: lon: missing \(lat is given\)$"
err_has "11: and the count, nothing imported" \
    "^lantian: $T/sites.csv: 5 problem\(s\): nothing imported$"
is "11: nothing imported" "$("$LANTIAN" --data "$D" sites list --json | json 'len(d)')" "$N11"

done_testing
