#!/bin/sh
# lantian report monthly on a merged store built with known answers: two
# inspectors' records (and a stranger's, not on the roster) reach the
# office through a USB stick; every figure of January 2030 is checked
# against the numbers worked out by hand below, then February (one
# record) and June (outside the production-control season).
. "$top_srcdir/tests/cli/lib.sh"

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
IC=$T/stranger
STICK=$T/stick.git

# The register: 5 restaurants, 3 enterprises (E1 grade D), 3
# construction sites, 2 village sites.
cat >"$T/sites.csv" <<'EOF'
id,name,kind,village,grade
R1,饭店一,restaurant,下冶村,
R2,饭店二,restaurant,下冶村,
R3,饭店三,restaurant,南岭村,
R4,饭店四,restaurant,南岭村,
R5,饭店五,restaurant,石门村,
E1,砖厂,enterprise,下冶村,D
E2,供热站,enterprise,下冶村,B
E3,水泥厂,enterprise,南岭村,A
C1,工地一,construction,下冶村,
C2,工地二,construction,南岭村,
C3,工地三,construction,石门村,
V1,下冶村村委,village,下冶村,
V2,南岭村村委,village,南岭村,
EOF

at() {
	LANTIAN_NOW=$1
	export LANTIAN_NOW
}

at 2029-12-01T00:00:00Z
setup "office: init" "$LANTIAN" --data "$O" init --name 王主任 \
    --badge OF-001 --passphrase-file "$PASSFILE"
setup "office: office init" "$LANTIAN" --data "$O" office init \
    --passphrase-file "$PASSFILE"
for d in "$O" "$IA" "$IB" "$IC"; do
	if [ "$d" != "$O" ]; then
		setup "init $d" "$LANTIAN" --data "$d" init --name "${d##*-}" \
		    --badge "X-${d##*-}" --passphrase-file "$PASSFILE" \
		    --office-key "$O/keys/office.pub"
	fi
	lt_sites "$d" "$T/sites.csv" 13
done
setup "office: enrol A" "$LANTIAN" --data "$O" roster add "$IA/keys/device.pub" \
    --name 张伟 --badge XY-017 --from 2020-01-01 --passphrase-file "$PASSFILE"
setup "office: enrol B" "$LANTIAN" --data "$O" roster add "$IB/keys/device.pub" \
    --name 李娜 --badge XY-021 --from 2020-01-01 --passphrase-file "$PASSFILE"
KA=$(lt_keyid "$IA")
KB=$(lt_keyid "$IB")

GOOD_FUME='{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}'
BAD_FUME='{"purifier_installed": true, "purifier_running": false, "cleaning_records": true}'
dust() {
	printf '{"month": "%s", "dustfall": %s, "report_no": "DF-%s"}' "$1" "$2" "$2"
}
fire() {
	printf '{"recheck": false, "village": "%s", "found_date": "%s", "found_by": "%s", "fire_kind": "%s", "cleared": true}' "$1" "$2" "$3" "$4"
}

# A: restaurants (R2's violation closed by its follow-up), fire points.
at 2030-01-03T09:00:00Z; lt_inspect "$IA" R1 restaurant-fume "$GOOD_FUME"
at 2030-01-04T09:00:00Z; lt_inspect "$IA" R2 restaurant-fume "$BAD_FUME"
R2BAD=$ID
at 2030-01-05T09:00:00Z; lt_inspect "$IA" R1 restaurant-fume "$GOOD_FUME"
at 2030-01-10T09:00:00Z
lt_inspect "$IA" V1 fire-point "$(fire 下冶村 2030-01-10 onsite straw)"
at 2030-01-11T09:00:00Z
lt_inspect "$IA" V1 fire-point "$(fire 下冶村 2030-01-11 city_team straw)"
at 2030-01-12T09:00:00Z
lt_inspect "$IA" V2 fire-point "$(fire 南岭村 2030-01-12 blue_sky_guard garbage)"
at 2030-01-13T09:00:00Z
lt_inspect "$IA" V1 fire-point '{"recheck": true, "village": "下冶村", "cleared": true}'
at 2030-01-20T09:00:00Z
lt_inspect "$IA" R2 restaurant-fume "$GOOD_FUME" --follows "$R2BAD"
at 2030-02-02T09:00:00Z; lt_inspect "$IA" R3 restaurant-fume "$GOOD_FUME"

# B: dust fall (C3's measures December), boilers.
at 2030-01-06T10:00:00Z; lt_inspect "$IB" C1 dustfall "$(dust 2030-01 9.5)"
at 2030-01-07T10:00:00Z; lt_inspect "$IB" C2 dustfall "$(dust 2030-01 6.5)"
at 2030-01-08T10:00:00Z; lt_inspect "$IB" C3 dustfall "$(dust 2029-12 20)"
at 2030-01-09T10:00:00Z; lt_inspect "$IB" C1 dustfall "$(dust 2030-01 7.5)"
at 2030-01-14T10:00:00Z
lt_inspect "$IB" E2 boiler '{"boiler_no": "B1", "fuel": "coal", "use": "production", "capacity_tph": 4, "status": "running"}'
at 2030-01-15T10:00:00Z
lt_inspect "$IB" E3 boiler '{"boiler_no": "B2", "fuel": "gas", "use": "heating", "capacity_tph": 12, "status": "running", "low_nox": true, "fgr_valve": "electric", "auto_monitoring": "installed"}'
at 2030-01-16T10:00:00Z
lt_inspect "$IB" E3 boiler '{"boiler_no": "B3", "fuel": "gas", "use": "heating", "capacity_tph": 12, "status": "running", "low_nox": true, "fgr_valve": "electric", "auto_monitoring": "networked"}'

# C, not on the roster: a restaurant that must not count.
at 2030-01-17T10:00:00Z; lt_inspect "$IC" R4 restaurant-fume "$GOOD_FUME"

# Everything to the office by the stick.
at 2030-02-10T00:00:00Z
setup "the stick" "$LANTIAN" --data "$O" remote add usb "$STICK" --create
for d in "$IA" "$IB" "$IC" "$O"; do
	setup "sync $d with the stick" "$LANTIAN" --data "$d" sync "$STICK"
done
is "the office holds every record: 9 + 7 + 1" "$(lt_count "$O")" 17

ok "report monthly --month 2030-01 --json" "$LANTIAN" --data "$O" \
    report monthly --month 2030-01 --json
cp "$T/out" "$T/jan.json"
j() {
	json "$1" <"$T/jan.json"
}
is "January: 15 records count (the stranger's does not)" "$(j 'd["records"]')" 15
is "inspectors: 张伟 8 records at 4 sites, 李娜 7 at 5" \
    "$(j '" ".join("%s:%d:%d" % (i["name"], i["records"], i["sites"]) for i in d["inspectors"])')" \
    "张伟:8:4 李娜:7:5"
is "restaurants: 2 of 5 inspected, 40%, target met" \
    "$(j '"%d %d %.2f %s" % (d["restaurants"]["inspected"], d["restaurants"]["registered"], d["restaurants"]["rate"], d["restaurants"]["met"])')" \
    "2 5 0.40 True"
is "dust fall: 3 measurements of January, average 7.83, met" \
    "$(j '"%d %.2f %s" % (d["dustfall"]["measurements"], d["dustfall"]["average"], d["dustfall"]["met"])')" \
    "3 7.83 True"
is "the ranking: C1 8.50 (2, above the limit), C2 6.50" \
    "$(j '" ".join("%s:%.2f:%d:%s" % (s["site"], s["value"], s["measurements"], s["above_limit"]) for s in d["dustfall"]["ranking"])')" \
    "C1:8.50:2:True C2:6.50:1:False"
is "fire points: 3, 1100 yuan, 1 amount undecided" \
    "$(j '"%d %d %d" % (d["fire_points"]["count"], d["fire_points"]["deduction_yuan"], d["fire_points"]["undecided"])')" \
    "3 1100 1"
is "per village: 下冶村 2 (1100 yuan), 南岭村 1 (0, undecided)" \
    "$(j '" ".join("%s:%d:%d:%d" % (v["village"], v["count"], v["deduction_yuan"], v["undecided"]) for v in d["fire_points"]["villages"])')" \
    "下冶村:2:1100:0 南岭村:1:0:1"
is "boilers: coal <= 35 t/h at E2 (4 t/h)" \
    "$(j '" ".join("%s:%g" % (b["site"], b["capacity_tph"]) for b in d["boilers"]["coal_le35"])')" \
    "E2:4"
is "boilers: not networked at E3 (12 t/h, gas)" \
    "$(j '" ".join("%s:%g:%s" % (b["site"], b["capacity_tph"], b["fuel"]) for b in d["boilers"]["monitoring_not_networked"])')" \
    "E3:12:gas"
is "production control, in season: E1 (grade D), E2 and E3 (open violations)" \
    "$(j '"%s %s " % (d["production_control"]["in_season"], d["production_control"]["season"]) + " ".join("%s:%s" % (s["site"], ",".join(r if isinstance(r, str) else r["rule"] for r in s["reasons"])) for s in d["production_control"]["sites"])')" \
    "True 2029-11-15..2030-03-15 E1:grade D E2:coal-le35 E3:monitoring-not-networked"
is "findings per task: 6 opened 2, 7 opened 1 closed 1, 9 opened 3, 11 opened 2" \
    "$(j '" ".join("%d:%d/%d" % (f["task"], f["opened"], f["closed"]) for f in d["findings"])')" \
    "6:2/0 7:1/1 9:3/0 11:2/0"

ok "report monthly as text" "$LANTIAN" --data "$O" report monthly \
    --month 2030-01
out_has "the restaurants' line" \
    '^Restaurant fume purifiers \(task 7\): 2 of 5 restaurants inspected = 40\.0% \(target >= 20%: met\)$'
out_has "the dust fall's line" \
    '^Dust fall \(task 6\): average 7\.83 t/km2/month over 3 measurements \(limit <= 8: met\)$'
out_has "the worst site first, flagged" '^   1\. C1  工地一  8\.50  above the limit$'
out_has "the fire points" '^Fire points \(task 9\): 3, deductions 1100 yuan \(1 amount for the town to decide\)$'
out_has "an inspector" '^  张伟 XY-017  [0-9A-F]{16}  8 records, 4 sites$'

# The same report for a person who reads Chinese: every word in Chinese,
# the counts without "(s)", the rules by their text.
LANTIAN_LANG=zh ok "report monthly in Chinese" "$LANTIAN" --data "$O" report \
    monthly --month 2030-01
out_has "its title" '^2030-01 月度报表（'
out_has "what it counts, in Chinese" '；统计范围：已验证的记录'
out_has "the records" '^记录：[0-9]+ 条，检查员 [0-9]+ 名$'
out_has "the dust fall" \
    '^降尘（任务6）：平均 7\.83 吨/平方公里·月（3 次监测）（限值 ≤ 8：达标）$'
out_has "the worst site, flagged" '^   1\. C1  工地一  8\.50  超过限值$'
out_has "the fire points" \
    '^火点（任务9）：3 个，扣款 1100 元（1 笔金额待镇里决定）$'
out_has "an inspector" '^  张伟 XY-017  [0-9A-F]{16}  8 条记录，4 个点位$'
check "no English word is left" sh -c "! grep -E -i \
    'record|inspector|task|found|fire|dust|boiler|production|findings|none|met|grade|open|counted|season|yuan|measurement|verified' \
    '$T/out'"

ok "report monthly as CSV" "$LANTIAN" --data "$O" report monthly \
    --month 2030-01 --csv
out_has "its header" '^figure,subject,name,value$'
out_has "the rate" '^restaurants,rate,,0\.4$'
out_has "a village's deduction" '^fire_points_yuan,下冶村,,1100$'
out_has "a production-control reason" '^production_control,E2,供热站,coal-le35 \(task 11\)$'

ok "February" "$LANTIAN" --data "$O" report monthly --month 2030-02 --json
is "February: one record, 1 of 5 restaurants = 20%, met" \
    "$(json '"%d %d %.2f %s %d" % (d["records"], d["restaurants"]["inspected"], d["restaurants"]["rate"], d["restaurants"]["met"], len(d["findings"]))' <"$T/out")" \
    "1 1 0.20 True 0"
ok "June" "$LANTIAN" --data "$O" report monthly --month 2030-06 --json
is "June: outside the season, no list; no dust fall measured" \
    "$(json '"%s %d %s %s" % (d["production_control"]["in_season"], len(d["production_control"]["sites"]), d["dustfall"]["average"], d["dustfall"]["met"])' <"$T/out")" \
    "False 0 None None"

# The merged views over the same store.
cnt() {
	"$LANTIAN" --data "$O" "$@" --json | json 'len(d)'
}
is "records of a village: 南岭村 (R3, R4, E3 twice, C2, V2)" \
    "$(cnt records list --village 南岭村)" 6
is "records of an inspector by name: 张伟's 9" \
    "$(cnt records list --inspector 张伟)" 9
is "by badge: 李娜's 7" "$(cnt records list --inspector XY-021)" 7
is "by key id" "$(cnt records list --inspector "$KB")" 7
is "records with a task 9 finding: the 3 fire points" \
    "$(cnt records list --task 9)" 3
is "records with a warning: the 2 dust falls above 8" \
    "$(cnt records list --severity warning)" 2
is "a date range, both ends in: 10 to 12 January" \
    "$(cnt records list --from 2030-01-10 --to 2030-01-12)" 3
"$LANTIAN" --data "$O" records list --limit 5 --json >"$T/p1.json"
is "a first page of 5, oldest first" \
    "$(json '" ".join(r["site"] for r in d)' <"$T/p1.json")" "R1 R2 R1 C1 C2"
LAST=$(json 'd[-1]["id"]' <"$T/p1.json")
is "the next page goes on after its last record" \
    "$("$LANTIAN" --data "$O" records list --limit 5 --after "$LAST" --json |
    json '" ".join(r["site"] for r in d)')" "C3 C1 V1 V1 V2"
fails 1 "--after a record that is not there" "$LANTIAN" --data "$O" \
    records list --after 0123456789abcdef
fails 2 "--from that is not a date" "$LANTIAN" --data "$O" records list \
    --from 2030-1-1
is "findings closed: R2's, on the 20th" \
    "$("$LANTIAN" --data "$O" findings list --closed --json |
    json '" ".join("%s:%s:%s" % (f["site"], f["task"], f["closed_at"][:10]) for f in d)')" \
    "R2:7:2030-01-20"
is "findings by village: open, overdue, closed (today is 10 February)" \
    "$("$LANTIAN" --data "$O" findings count --by village --json |
    json '" ".join("%s:%d/%d/%d" % (v["village"], v["open"], v["overdue"], v["closed"]) for v in d)')" \
    "下冶村:1/3/1 南岭村:1/1/0 石门村:0/1/0"
is "findings by task" \
    "$("$LANTIAN" --data "$O" findings count --by task --json |
    json '" ".join("%d:%d/%d/%d" % (v["task"], v["open"], v["overdue"], v["closed"]) for v in d)')" \
    "6:0/2/0 7:0/0/1 9:0/3/0 11:2/0/0"
is "findings of one village and task" \
    "$(cnt findings list --village 下冶村 --task 9)" 2

fails 2 "a month that is not one" "$LANTIAN" --data "$O" report monthly \
    --month 2030-13
err_has "says so" '^lantian: report monthly: --month 2030-13: not a month \(YYYY-MM\)$'
fails 2 "--month is needed" "$LANTIAN" --data "$O" report monthly
fails 2 "--json and --csv together" "$LANTIAN" --data "$O" report monthly \
    --month 2030-01 --json --csv
fails 2 "an unknown report" "$LANTIAN" --data "$O" report weekly

done_testing
