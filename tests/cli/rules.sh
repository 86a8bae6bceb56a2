#!/bin/sh
# The rules of the shipped checklists (forms/*.json), at their edges: every
# finding fires on answers that break it and stays quiet on answers just
# inside it; every relevance rule shows and hides its question; the
# fire-point deduction for every way a fire is found; the ids, types and
# choices that reports depend on (issue 3).
set -u
. "$top_srcdir/tests/cli/lib.sh"

# try FORM ANSWERS-JSON: lantian forms try FORM --json; output in $T/out.
try() {
	_ac=$((_ac + 1))
	answers "try-$_ac" "$2"
	run lt forms try "$1" --answers "$A" --json
}

# Did the last try work?  A failed check (named DESC) when not.
tried() {
	if [ "$RC" -ne 0 ] || _sanitizer; then
		fail "$1" "forms try: exit status $RC"
		_diag_last
		return 1
	fi
	return 0
}

# What the last try says of finding ID: "TASK SEVERITY", or "quiet"; any
# constraint or range violation is appended, since a rule tested on answers
# the form refuses tests nothing.
finding_of() {
	json '((" ".join("%s %s" % (f["task"], f["severity"])
    for f in d["findings"] if f["id"] == a[0]) or "quiet") +
    "".join(" / violation %s: %s" % (v["question"], v["message"])
    for v in d["violations"]))' "$1" <"$T/out"
}

# fires DESC FORM ANSWERS FINDING TASK SEVERITY
fires() {
	try "$2" "$3"
	tried "$1" || return 0
	is "$1" "$(finding_of "$4")" "$5 $6"
}

# quiet DESC FORM ANSWERS FINDING
quiet() {
	try "$2" "$3"
	tried "$1" || return 0
	is "$1" "$(finding_of "$4")" quiet
}

# shown DESC FORM ANSWERS QUESTION / hidden DESC FORM ANSWERS QUESTION
_relevance() {
	try "$3" "$4"
	tried "$2" || return 0
	is "$2" "$(json '"shown" if a[0] in d["relevant"] else "hidden"' "$5" \
	    <"$T/out")" "$1"
}
shown() { _relevance shown "$@"; }
hidden() { _relevance hidden "$@"; }

# value DESC FORM ANSWERS FIELD WANT: a calculated value ("none": no value).
value() {
	try "$2" "$3"
	tried "$1" || return 0
	is "$1" "$(json 'd["values"].get(a[0], "none")' "$4" <"$T/out")" "$5"
}

# violated DESC FORM ANSWERS QUESTION: the answers break QUESTION's
# constraint or range / valid DESC FORM ANSWERS: no violation at all.
violated() {
	try "$2" "$3"
	tried "$1" || return 0
	is "$1" "$(json '" ".join(v["question"] for v in d["violations"])' \
	    <"$T/out")" "$4"
}
valid() {
	try "$2" "$3"
	tried "$1" || return 0
	is "$1" "$(json 'json.dumps(d["violations"])' <"$T/out")" "[]"
}

# amend ANSWERS-JSON QUESTION VALUE-JSON: the answers with QUESTION's answer
# replaced (a JSON object may not name a question twice).
amend() {
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
d[sys.argv[2]] = json.loads(sys.argv[3])
print(json.dumps(d, ensure_ascii=False))' "$@"
}

# ---------------------------------------------------------------------------
# The forms pass the checker, and hold what issue 3's table asks.

ok "forms check passes all eight forms" lt forms check \
    "$LANTIAN_FORMS_DIR"/boiler.json "$LANTIAN_FORMS_DIR"/coal-ban.json \
    "$LANTIAN_FORMS_DIR"/voc.json "$LANTIAN_FORMS_DIR"/construction-dust.json \
    "$LANTIAN_FORMS_DIR"/dustfall.json \
    "$LANTIAN_FORMS_DIR"/restaurant-fume.json \
    "$LANTIAN_FORMS_DIR"/mine.json "$LANTIAN_FORMS_DIR"/fire-point.json
ok "forms check passes forms/*.json" lt forms check "$LANTIAN_FORMS_DIR"/*.json

# FORM TASKS then ID:TYPE[:CHOICE,CHOICE...] per required question.
cat >"$T/table" <<'EOF'
coal-ban 2,3 in_ban_zone:yes_no loose_coal:multi:none,sale,storage,transport,use coal_kg:decimal substituted:yes_no heating:choice:gas,electric,coal,other,none
boiler 11 fuel:choice:coal,gas,biomass,oil,electric capacity_tph:decimal fgr_valve:choice:none,removed,electric,pneumatic,lead_sealed,manual auto_monitoring:choice:networked,installed,none low_nox:yes_no
voc 10,13,14,15,16 seal_points:integer ldar_done:yes_no treatment:multi:activated_carbon,rto,rco,plasma,photocatalysis,photo_oxidation,other,none carbon_ledger:yes_no rto_records_days:integer bypass:choice:none,removed,emergency_sealed,open low_voc_materials:yes_no
construction-dust 6 acceptance_done:yes_no three_officers:yes_no onsite_mixing:yes_no covered:yes_no wheel_wash:yes_no video:yes_no
dustfall 6 month:text dustfall:decimal
restaurant-fume 7 purifier_installed:yes_no purifier_running:yes_no cleaning_records:yes_no
mine 8 video_installed:yes_no video_running:yes_no dust_control:yes_no
fire-point 9 village:text found_by:choice:onsite,city_team,blue_sky_guard fire_kind:choice:straw,garbage,other deduction_yuan:calculate
EOF
while read -r form tasks spec; do
	is "$form: tasks, and the questions of issue 3's table" \
	    "$(python3 - "$(form_file "$form")" "$tasks" $spec <<'EOF'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
bad = []
if f.get("id") != sys.argv[1].rsplit("/", 1)[-1][:-5]:
    bad.append("id")
if sorted(f.get("tasks", [])) != [int(t) for t in sys.argv[2].split(",")]:
    bad.append("tasks %s" % f.get("tasks"))
qs = {q["id"]: q for q in f["questions"]}
for s in sys.argv[3:]:
    p = s.split(":")
    q = qs.get(p[0])
    if q is None:
        bad.append("no " + p[0])
    elif q["type"] != p[1]:
        bad.append("%s is %s" % (p[0], q["type"]))
    elif len(p) > 2 and sorted(c["value"] for c in q["choices"]) != \
            sorted(p[2].split(",")):
        bad.append("%s choices %s" % (p[0], [c["value"] for c in q["choices"]]))
print(", ".join(bad) or "ok")
EOF
)" ok
done <"$T/table"

is "fire points go on villages and roads; dust fall on villages and sites" \
    "$(python3 - "$(form_file fire-point)" "$(form_file dustfall)" <<'EOF'
import json, sys
fp, df = (set(json.load(open(p, encoding="utf-8"))["site_kinds"])
    for p in sys.argv[1:])
print({"village", "road"} <= fp and {"village", "construction"} <= df)
EOF
)" True

# ---------------------------------------------------------------------------
# boiler (task 11)

fires "boiler: coal 35 t/h must go" boiler \
    '{"fuel": "coal", "capacity_tph": 35, "status": "running"}' \
    coal-le35 11 violation
quiet "boiler: coal 35.1 t/h is outside coal-le35" boiler \
    '{"fuel": "coal", "capacity_tph": 35.1, "status": "running"}' coal-le35
fires "boiler: a sealed coal boiler of 35 t/h still counts" boiler \
    '{"fuel": "coal", "capacity_tph": 35, "status": "sealed"}' \
    coal-le35 11 violation
quiet "boiler: a removed coal boiler does not" boiler \
    '{"fuel": "coal", "capacity_tph": 35, "status": "removed"}' coal-le35
quiet "boiler: gas 4 t/h is not coal-le35" boiler \
    '{"fuel": "gas", "capacity_tph": 4, "status": "running"}' coal-le35

GAS='"fuel": "gas", "capacity_tph": 4, "status": "running"'
fires "boiler: gas with a manual FGR valve" boiler \
    "{$GAS, \"fgr_valve\": \"manual\"}" gas-fgr-manual 11 violation
for v in lead_sealed electric pneumatic removed none; do
	quiet "boiler: gas with FGR valve $v is fine" boiler \
	    "{$GAS, \"fgr_valve\": \"$v\"}" gas-fgr-manual
done
fires "boiler: gas without low-NOx running" boiler \
    "{$GAS, \"low_nox\": false}" gas-low-nox 11 violation
quiet "boiler: gas with low-NOx running" boiler \
    "{$GAS, \"low_nox\": true}" gas-low-nox

BIO='"fuel": "biomass", "capacity_tph": 2, "status": "running"'
fires "boiler: biomass without NOx treatment" boiler \
    "{$BIO, \"biomass_treatment\": [\"dust\", \"so2\"]}" \
    biomass-treatment 11 violation
fires "boiler: biomass with no treatment" boiler \
    "{$BIO, \"biomass_treatment\": [\"none\"]}" biomass-treatment 11 violation
quiet "boiler: biomass with dust, SO2 and NOx treatment" boiler \
    "{$BIO, \"biomass_treatment\": [\"dust\", \"so2\", \"nox\"]}" \
    biomass-treatment

fires "boiler: gas 10 t/h, monitoring not networked" boiler \
    '{"fuel": "gas", "capacity_tph": 10, "status": "running", "auto_monitoring": "installed"}' \
    monitoring-not-networked 11 violation
fires "boiler: gas 10 t/h, no monitoring" boiler \
    '{"fuel": "gas", "capacity_tph": 10, "status": "running", "auto_monitoring": "none"}' \
    monitoring-not-networked 11 violation
quiet "boiler: gas 10 t/h, networked" boiler \
    '{"fuel": "gas", "capacity_tph": 10, "status": "running", "auto_monitoring": "networked"}' \
    monitoring-not-networked
quiet "boiler: gas 9.9 t/h needs no monitoring" boiler \
    '{"fuel": "gas", "capacity_tph": 9.9, "status": "running", "auto_monitoring": "none"}' \
    monitoring-not-networked
fires "boiler: biomass 4 t/h, no monitoring" boiler \
    '{"fuel": "biomass", "capacity_tph": 4, "status": "running", "auto_monitoring": "none"}' \
    monitoring-not-networked 11 violation
quiet "boiler: biomass 3.9 t/h needs no monitoring" boiler \
    '{"fuel": "biomass", "capacity_tph": 3.9, "status": "running", "auto_monitoring": "none"}' \
    monitoring-not-networked
quiet "boiler: a sealed gas boiler of 10 t/h needs no monitoring" boiler \
    '{"fuel": "gas", "capacity_tph": 10, "status": "sealed", "auto_monitoring": "none"}' \
    monitoring-not-networked

for q in use capacity_tph status nameplate_photo; do
	shown "boiler: $q shown once the fuel is known" boiler \
	    '{"fuel": "oil"}' $q
	hidden "boiler: $q hidden before the fuel" boiler '{}' $q
done
for q in low_nox fgr_valve; do
	shown "boiler: $q shown for a running gas boiler" boiler \
	    '{"fuel": "gas", "status": "running"}' $q
	shown "boiler: $q shown for an idle gas boiler" boiler \
	    '{"fuel": "gas", "status": "idle"}' $q
	hidden "boiler: $q hidden for a sealed gas boiler" boiler \
	    '{"fuel": "gas", "status": "sealed"}' $q
	hidden "boiler: $q hidden for a coal boiler" boiler \
	    '{"fuel": "coal", "status": "running"}' $q
done
shown "boiler: biomass_treatment shown for a running biomass boiler" boiler \
    '{"fuel": "biomass", "status": "running"}' biomass_treatment
hidden "boiler: biomass_treatment hidden for a removed one" boiler \
    '{"fuel": "biomass", "status": "removed"}' biomass_treatment
hidden "boiler: biomass_treatment hidden for gas" boiler \
    '{"fuel": "gas", "status": "running"}' biomass_treatment
shown "boiler: auto_monitoring shown for gas 10 t/h" boiler \
    '{"fuel": "gas", "capacity_tph": 10, "status": "running"}' auto_monitoring
hidden "boiler: auto_monitoring hidden for gas 9.9 t/h" boiler \
    '{"fuel": "gas", "capacity_tph": 9.9, "status": "running"}' auto_monitoring
shown "boiler: auto_monitoring shown for biomass 4 t/h" boiler \
    '{"fuel": "biomass", "capacity_tph": 4, "status": "idle"}' auto_monitoring
hidden "boiler: auto_monitoring hidden for biomass 3.9 t/h" boiler \
    '{"fuel": "biomass", "capacity_tph": 3.9, "status": "running"}' \
    auto_monitoring
hidden "boiler: auto_monitoring hidden for coal 40 t/h" boiler \
    '{"fuel": "coal", "capacity_tph": 40, "status": "running"}' auto_monitoring

# ---------------------------------------------------------------------------
# coal-ban (tasks 2, 3)

for c in sale storage transport use; do
	fires "coal-ban: loose coal ($c) in the ban zone" coal-ban \
	    "{\"in_ban_zone\": true, \"loose_coal\": [\"$c\"]}" \
	    ban-zone-loose-coal 3 violation
done
quiet "coal-ban: no loose coal in the ban zone" coal-ban \
    '{"in_ban_zone": true, "loose_coal": ["none"]}' ban-zone-loose-coal
quiet "coal-ban: loose coal outside the ban zone is not task 3" coal-ban \
    '{"in_ban_zone": false, "loose_coal": ["storage", "use"]}' \
    ban-zone-loose-coal
fires "coal-ban: coal heating after substitution" coal-ban \
    '{"loose_coal": ["none"], "substituted": true, "heating": "coal"}' \
    coal-reburn 2 violation
fires "coal-ban: coal burned after substitution" coal-ban \
    '{"loose_coal": ["use"], "substituted": true, "heating": "electric"}' \
    coal-reburn 2 violation
quiet "coal-ban: clean heating after substitution" coal-ban \
    '{"loose_coal": ["storage"], "substituted": true, "heating": "electric"}' \
    coal-reburn
quiet "coal-ban: coal heating without substitution is not task 2" coal-ban \
    '{"loose_coal": ["use"], "substituted": false, "heating": "coal"}' \
    coal-reburn
for q in coal_kg coal_photo; do
	shown "coal-ban: $q shown when loose coal is found" coal-ban \
	    '{"loose_coal": ["transport"]}' $q
	hidden "coal-ban: $q hidden when there is none" coal-ban \
	    '{"loose_coal": ["none"]}' $q
done
shown "coal-ban: heating_other shown for other heating" coal-ban \
    '{"heating": "other"}' heating_other
hidden "coal-ban: heating_other hidden for gas heating" coal-ban \
    '{"heating": "gas"}' heating_other
violated "coal-ban: \"none\" with another choice is refused" coal-ban \
    '{"loose_coal": ["none", "sale"]}' loose_coal

# ---------------------------------------------------------------------------
# voc (tasks 10, 13, 14, 15, 16)

fires "voc: 1000 sealing points without LDAR" voc \
    '{"seal_points": 1000, "ldar_done": false}' ldar-missing 14 violation
quiet "voc: 999 sealing points need no LDAR" voc \
    '{"seal_points": 999, "ldar_done": false}' ldar-missing
quiet "voc: 1000 sealing points with LDAR" voc \
    '{"seal_points": 1000, "ldar_done": true}' ldar-missing
shown "voc: ldar_done shown at 1000 sealing points" voc \
    '{"seal_points": 1000}' ldar_done
hidden "voc: ldar_done hidden at 999" voc '{"seal_points": 999}' ldar_done

for t in plasma photocatalysis photo_oxidation; do
	fires "voc: $t is low-efficiency treatment" voc \
	    "{\"treatment\": [\"$t\"]}" low-efficiency-treatment 10 warning
done
fires "voc: plasma next to activated carbon still counts" voc \
    '{"treatment": ["activated_carbon", "plasma"], "carbon_ledger": true}' \
    low-efficiency-treatment 10 warning
quiet "voc: RTO, RCO, activated carbon and other are not low-efficiency" voc \
    '{"treatment": ["activated_carbon", "rto", "rco", "other"], "carbon_ledger": true, "rto_records_days": 400}' \
    low-efficiency-treatment
quiet "voc: no treatment is not low-efficiency treatment" voc \
    '{"treatment": ["none"]}' low-efficiency-treatment
violated "voc: \"none\" with a facility is refused" voc \
    '{"treatment": ["none", "rto"]}' treatment

fires "voc: activated carbon without a ledger" voc \
    '{"treatment": ["activated_carbon"], "carbon_ledger": false}' \
    carbon-no-ledger 15 violation
quiet "voc: activated carbon with a ledger" voc \
    '{"treatment": ["activated_carbon"], "carbon_ledger": true}' \
    carbon-no-ledger
quiet "voc: no activated carbon, no carbon ledger needed" voc \
    '{"treatment": ["rto"], "carbon_ledger": false, "rto_records_days": 365}' \
    carbon-no-ledger
shown "voc: carbon_ledger shown with activated carbon" voc \
    '{"treatment": ["rco", "activated_carbon"]}' carbon_ledger
hidden "voc: carbon_ledger hidden without it" voc \
    '{"treatment": ["rco"]}' carbon_ledger

for t in rto rco; do
	fires "voc: $t records kept 364 days" voc \
	    "{\"treatment\": [\"$t\"], \"rto_records_days\": 364}" \
	    rto-records-short 15 violation
	quiet "voc: $t records kept 365 days" voc \
	    "{\"treatment\": [\"$t\"], \"rto_records_days\": 365}" \
	    rto-records-short
	shown "voc: rto_records_days shown with $t" voc \
	    "{\"treatment\": [\"$t\"]}" rto_records_days
done
fires "voc: no records at all is short" voc \
    '{"treatment": ["rto", "rco"], "rto_records_days": 0}' \
    rto-records-short 15 violation
quiet "voc: no RTO/RCO, records not asked" voc \
    '{"treatment": ["activated_carbon"], "carbon_ledger": true, "rto_records_days": 10}' \
    rto-records-short
hidden "voc: rto_records_days hidden without RTO/RCO" voc \
    '{"treatment": ["activated_carbon"]}' rto_records_days

fires "voc: an open bypass" voc '{"bypass": "open"}' bypass-open 16 violation
for b in none removed emergency_sealed; do
	quiet "voc: bypass $b is not open" voc "{\"bypass\": \"$b\"}" bypass-open
done
SEALED='"bypass": "emergency_sealed", "bypass_reported": true, "bypass_metered": true, "bypass_log": true'
for q in reported metered log; do
	case $q in
	reported) id=bypass-not-reported ;;
	metered) id=bypass-not-metered ;;
	log) id=bypass-no-log ;;
	esac
	fires "voc: emergency bypass, bypass_$q false" voc \
	    "$(amend "{$SEALED}" bypass_$q false)" $id 16 violation
	quiet "voc: emergency bypass, bypass_$q true" voc "{$SEALED}" $id
	quiet "voc: bypass_$q does not count for a removed bypass" voc \
	    "{\"bypass\": \"removed\", \"bypass_$q\": false}" $id
	shown "voc: bypass_$q shown for an emergency bypass" voc \
	    '{"bypass": "emergency_sealed"}' bypass_$q
	hidden "voc: bypass_$q hidden for an open bypass" voc \
	    '{"bypass": "open"}' bypass_$q
done

fires "voc: solvent-based materials not replaced" voc \
    '{"voc_materials": true, "low_voc_materials": false}' \
    solvent-not-replaced 13 warning
quiet "voc: low-VOC materials in use" voc \
    '{"voc_materials": true, "low_voc_materials": true}' solvent-not-replaced
quiet "voc: no coatings, inks, adhesives or cleaners" voc \
    '{"voc_materials": false, "low_voc_materials": false}' \
    solvent-not-replaced
shown "voc: low_voc_materials shown when such materials are used" voc \
    '{"voc_materials": true}' low_voc_materials
hidden "voc: low_voc_materials hidden when none are used" voc \
    '{"voc_materials": false}' low_voc_materials

fires "voc: uncontrolled fugitive source" voc \
    '{"fugitive": ["open_surface"]}' fugitive-uncontrolled 14 warning
quiet "voc: no uncontrolled fugitive source" voc \
    '{"fugitive": ["none"]}' fugitive-uncontrolled
fires "voc: VOC wastewater in open ditches" voc \
    '{"voc_wastewater": "open"}' wastewater-open 14 warning
quiet "voc: VOC wastewater in closed pipes" voc \
    '{"voc_wastewater": "closed"}' wastewater-open

# ---------------------------------------------------------------------------
# construction-dust (task 6)

ALLOK='"acceptance_done": true, "three_officers": true, "onsite_mixing": false, "covered": true, "wheel_wash": true, "video": true'
for r in acceptance_done:false:no-acceptance:violation \
    three_officers:false:no-three-officers:violation \
    onsite_mixing:true:onsite-mixing:violation \
    covered:false:not-covered:warning \
    wheel_wash:false:no-wheel-wash:warning \
    video:false:no-video:warning; do
	IFS=: read -r q bad id sev <<EOF
$r
EOF
	fires "construction-dust: $q $bad" construction-dust \
	    "$(amend "{$ALLOK}" $q $bad)" $id 6 $sev
	quiet "construction-dust: $q fine" construction-dust "{$ALLOK}" $id
done

# ---------------------------------------------------------------------------
# dustfall (task 6)

fires "dustfall: 8.1 t/km²/month is above 8" dustfall \
    '{"month": "2023-07", "dustfall": 8.1}' dustfall-above-8 6 warning
quiet "dustfall: 8 t/km²/month is not above 8" dustfall \
    '{"month": "2023-07", "dustfall": 8}' dustfall-above-8
quiet "dustfall: 8.0 t/km²/month is not above 8" dustfall \
    '{"month": "2023-07", "dustfall": 8.0}' dustfall-above-8
valid "dustfall: month 2023-12 is fine" dustfall '{"month": "2023-12"}'
valid "dustfall: month 2024-01 is fine" dustfall '{"month": "2024-01"}'
for m in 2023-13 2023-00 2023-7 2023-07-01 23-07 2023/07 July; do
	violated "dustfall: month $m is refused" dustfall \
	    "{\"month\": \"$m\"}" month
done
violated "dustfall: a negative dust fall is refused" dustfall \
    '{"month": "2023-07", "dustfall": -0.1}' dustfall

# ---------------------------------------------------------------------------
# restaurant-fume (task 7)

fires "restaurant-fume: no purifier" restaurant-fume \
    '{"purifier_installed": false}' no-purifier 7 violation
quiet "restaurant-fume: a purifier" restaurant-fume \
    '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}' \
    no-purifier
fires "restaurant-fume: purifier not running" restaurant-fume \
    '{"purifier_installed": true, "purifier_running": false, "cleaning_records": true}' \
    purifier-not-running 7 violation
quiet "restaurant-fume: purifier running" restaurant-fume \
    '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}' \
    purifier-not-running
quiet "restaurant-fume: no purifier is not also not running" restaurant-fume \
    '{"purifier_installed": false, "purifier_running": false}' \
    purifier-not-running
fires "restaurant-fume: no cleaning records" restaurant-fume \
    '{"purifier_installed": true, "purifier_running": true, "cleaning_records": false}' \
    no-cleaning-records 7 warning
quiet "restaurant-fume: cleaning records kept" restaurant-fume \
    '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}' \
    no-cleaning-records
quiet "restaurant-fume: no purifier, no cleaning records asked" \
    restaurant-fume '{"purifier_installed": false, "cleaning_records": false}' \
    no-cleaning-records
for q in purifier_running cleaning_records purifier_photo; do
	shown "restaurant-fume: $q shown with a purifier" restaurant-fume \
	    '{"purifier_installed": true}' $q
	hidden "restaurant-fume: $q hidden without one" restaurant-fume \
	    '{"purifier_installed": false}' $q
done

# ---------------------------------------------------------------------------
# mine (task 8)

fires "mine: no video" mine '{"video_installed": false}' no-video 8 violation
quiet "mine: video" mine '{"video_installed": true, "video_running": true}' \
    no-video
fires "mine: video not running" mine \
    '{"video_installed": true, "video_running": false}' \
    video-not-running 8 violation
quiet "mine: video running" mine \
    '{"video_installed": true, "video_running": true}' video-not-running
quiet "mine: no video is not also not running" mine \
    '{"video_installed": false, "video_running": false}' video-not-running
fires "mine: no dust control" mine \
    '{"dust_control": false, "dust_gaps": ["haulage"]}' \
    no-dust-control 8 violation
quiet "mine: dust control" mine '{"dust_control": true}' no-dust-control
shown "mine: video_running shown with video" mine \
    '{"video_installed": true}' video_running
hidden "mine: video_running hidden without" mine \
    '{"video_installed": false}' video_running
shown "mine: dust_gaps shown without dust control" mine \
    '{"dust_control": false}' dust_gaps
hidden "mine: dust_gaps hidden with dust control" mine \
    '{"dust_control": true}' dust_gaps

# ---------------------------------------------------------------------------
# fire-point (task 9)

FIRE='"recheck": false, "village": "下冶村", "found_date": "2023-10-08"'
for c in onsite:straw:300 onsite:garbage:300 onsite:other:300 \
    city_team:straw:800 city_team:garbage:300 city_team:other:300 \
    blue_sky_guard:straw:800 blue_sky_guard:garbage:none \
    blue_sky_guard:other:none; do
	IFS=: read -r by kind want <<EOF
$c
EOF
	value "fire-point: found by $by, $kind: deduction $want" fire-point \
	    "{$FIRE, \"found_by\": \"$by\", \"fire_kind\": \"$kind\"}" \
	    deduction_yuan "$want"
	if [ "$want" = none ]; then
		shown "fire-point: $by, $kind: the plan is silent, says the note" \
		    fire-point \
		    "{$FIRE, \"found_by\": \"$by\", \"fire_kind\": \"$kind\"}" \
		    deduction_undecided
	else
		hidden "fire-point: $by, $kind: no note of silence" fire-point \
		    "{$FIRE, \"found_by\": \"$by\", \"fire_kind\": \"$kind\"}" \
		    deduction_undecided
	fi
done
value "fire-point: found on site, kind not yet known: 300 (any kind)" \
    fire-point "{$FIRE, \"found_by\": \"onsite\"}" deduction_yuan 300
hidden "fire-point: no note of silence before the kind is known" fire-point \
    "{$FIRE, \"found_by\": \"blue_sky_guard\"}" deduction_undecided
value "fire-point: nothing deducted on a re-inspection" fire-point \
    '{"recheck": true, "village": "下冶村", "found_by": "onsite", "fire_kind": "straw"}' \
    deduction_yuan none

for by in onsite city_team blue_sky_guard; do
	fires "fire-point: a fire point found by $by is a violation" fire-point \
	    "{$FIRE, \"found_by\": \"$by\", \"fire_kind\": \"garbage\"}" \
	    fire-point 9 violation
done
fires "fire-point: a fire point recorded with nothing else yet" fire-point \
    '{"village": "下冶村"}' fire-point 9 violation
fires "fire-point: re-inspection, not yet dealt with" fire-point \
    '{"recheck": true, "village": "下冶村", "cleared": false}' \
    fire-point 9 violation
quiet "fire-point: re-inspection, dealt with" fire-point \
    '{"recheck": true, "village": "下冶村", "cleared": true}' fire-point
for q in found_date found_by fire_kind deduction_yuan; do
	shown "fire-point: $q shown for a new fire point" fire-point \
	    "{$FIRE}" $q
	hidden "fire-point: $q hidden on a re-inspection" fire-point \
	    '{"recheck": true}' $q
done
shown "fire-point: cleared shown on a re-inspection" fire-point \
    '{"recheck": true}' cleared
hidden "fire-point: cleared hidden for a new fire point" fire-point \
    "{$FIRE}" cleared

done_testing
