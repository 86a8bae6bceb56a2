#!/bin/sh
# lantian publish: "一公开", a month's results for the public, worked out
# by hand: the findings and their state now (closed by a re-inspection,
# overdue), a clean inspection, a household without its name; nothing of
# the inspector or the site's representative; HTML that escapes what the
# register holds and runs no script.  Only what the office accepted is
# published (tests/cli/office-day.sh: what it did not accept).
. "$top_srcdir/tests/cli/lib.sh"

O=$T/office
OUT=$T/public
cat >"$T/sites.csv" <<'EOF2'
id,name,kind,village
R1,饭店<一>,restaurant,下冶村
E2,供热站,enterprise,下冶村
H1,王秀兰家,household,南岭村
EOF2

LANTIAN_NOW=2029-12-01T00:00:00Z
export LANTIAN_NOW
lt_office_init "$O"
lt_sites "$O" "$T/sites.csv" 3

# The office accepts each record it publishes.
accept() {
	setup "accept $1" "$LANTIAN" --data "$O" review "$1" --accept \
	    --passphrase-file "$PASSFILE"
}
LANTIAN_NOW=2030-01-04T09:00:00Z
lt_inspect "$O" R1 restaurant-fume '{"purifier_installed": true, "purifier_running": false, "cleaning_records": true}'
BAD=$ID
LANTIAN_NOW=2030-01-10T09:00:00Z
lt_inspect "$O" E2 boiler '{"boiler_no": "B1", "fuel": "coal", "use": "production", "capacity_tph": 4, "status": "running"}' \
    --ack-name 赵经理 --ack-role 厂长
accept "$ID"
LANTIAN_NOW=2030-01-12T09:00:00Z
lt_inspect "$O" H1 coal-ban "$COAL_BAN"
accept "$ID"
LANTIAN_NOW=2030-01-20T09:00:00Z
lt_inspect "$O" R1 restaurant-fume '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}' \
    --follows "$BAD"
accept "$ID"
accept "$BAD"
LANTIAN_NOW=2030-02-20T09:00:00Z
lt_inspect "$O" R1 restaurant-fume '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}'
accept "$ID"

ok "publish --month 2030-01" "$LANTIAN" --data "$O" publish --month 2030-01 \
    --out "$OUT"
out_has "it says what it wrote" \
    "^4 result\(s\) of 2030-01 in $OUT: results-2030-01\.json, results-2030-01\.csv, index\.html$"
J=$OUT/results-2030-01.json
is "four January inspections, in order" \
    "$(json '" ".join("%s:%s" % (r["date"], r["site"]) for r in d["results"])' <"$J")" \
    "2030-01-04:R1 2030-01-10:E2 2030-01-12:None 2030-01-20:R1"
is "R1's finding: closed on the 20th by the re-inspection" \
    "$(json '"%s %s %s %s" % (d["results"][0]["findings"][0]["task"], d["results"][0]["findings"][0]["severity"], d["results"][0]["findings"][0]["state"], d["results"][0]["findings"][0]["closed"])' <"$J")" \
    "7 violation closed 2030-01-20"
is "E2's coal boiler: past its deadline, open: overdue" \
    "$(json '"%s %s %s" % (d["results"][1]["findings"][0]["task"], d["results"][1]["findings"][0]["deadline"], d["results"][1]["findings"][0]["state"])' <"$J")" \
    "11 2030-02-09 overdue"
is "the household: its village and kind, no name, no id" \
    "$(json '"%s %s %s %s %d" % (d["results"][2]["site"], d["results"][2]["name"], d["results"][2]["village"], d["results"][2]["kind"], len(d["results"][2]["findings"]))' <"$J")" \
    "None None 南岭村 household 0"
for s in 张伟 XY-017 赵经理 厂长 赵厂长 负责人 王秀兰 H1 "$(lt_keyid "$O")"; do
	check "nothing says $s" sh -c "! grep -r -q -F '$s' '$OUT'"
done
CSV=$OUT/results-2030-01.csv
is "the CSV: a header and one line per finding or clean inspection" \
    "$(wc -l <"$CSV" | tr -d ' ')" 5
out_has_csv() {
	if grep -q -E -e "$2" "$CSV"; then pass "$1"; else fail "$1" "no /$2/ in the CSV"; fi
}
out_has_csv "the closed one" '^2030-01-04,饭店<一> \(R1\),下冶村,restaurant,.*,7,violation,.*,2030-01-07,closed,2030-01-20$'
out_has_csv "the household's line" '^2030-01-12,南岭村的一户居民,南岭村,household,.*,,,,,$'
H=$OUT/index.html
check "the page escapes the register's text" grep -q -F '饭店&lt;一&gt; (R1)' "$H"
check "and never holds it raw" sh -c "! grep -q -F '饭店<一>' '$H'"
check "no script" sh -c "! grep -q -i '<script' '$H'"
check "nothing fetched" sh -c "! grep -q -i -E '(src|href)=' '$H'"
check "the states in Chinese" grep -q -F '已整改销号 2030-01-20' "$H"
check "overdue marked" grep -q -F '<td class="overdue">逾期未整改' "$H"

ok "February: one result" "$LANTIAN" --data "$O" publish --month 2030-02 \
    --out "$OUT"
is "its file" "$(json 'd["count"]' <"$OUT/results-2030-02.json")" 1
fails 2 "no --out" "$LANTIAN" --data "$O" publish --month 2030-01
fails 2 "not a month" "$LANTIAN" --data "$O" publish --month 2030-1 \
    --out "$OUT"
printf x >"$T/afile"
fails 1 "--out a file" "$LANTIAN" --data "$O" publish --month 2030-01 \
    --out "$T/afile"
err_has "a clear error" '^lantian: '

done_testing
