#!/bin/sh
# lantian forms list | check | try: the form engine from the command line.
set -u
. "$top_srcdir/tests/cli/lib.sh"

BOILER=$(form_file boiler)

# forms list: the shipped checklists.
ok "forms list works" lt forms list
out_has "it lists boiler" "^boiler +v[0-9]+ +tasks [0-9]"
out_has "it lists coal-ban" "^coal-ban +v[0-9]+ +tasks [0-9]"
out_has "titles in English by default" "Boiler|boiler"
LANTIAN_LANG=zh run lt forms list
out_has "titles in Chinese with LANTIAN_LANG=zh" "锅炉"
LANGUAGE=zh_CN run lt forms list
out_has "titles in Chinese with LANGUAGE=zh_CN" "锅炉"
LANG=zh_CN.UTF-8 LANGUAGE=en run lt forms list
check "LANGUAGE=en wins over LANG=zh_CN.UTF-8" \
    sh -c '! grep -q 锅炉 "$1"' sh "$T/out"

# forms check: the shipped forms are clean.
ok "forms check passes every shipped form" lt forms check \
    "$LANTIAN_FORMS_DIR"/*.json
for f in "$LANTIAN_FORMS_DIR"/*.json; do
	check "it says $(basename "$f"): ok" grep -q -x -F "$f: ok" "$T/out"
done
fails 2 "forms check without files is a usage error" lt forms check

# forms check: the broken forms of tests/data/forms.
nbad=0
for f in "$TESTDATA"/forms/bad-*.json; do
	[ -f "$f" ] || continue
	nbad=$((nbad + 1))
	fails 1 "forms check refuses $(basename "$f")" lt forms check "$f"
	check "its message names $(basename "$f")" \
	    grep -q -F "lantian: $f" "$T/err"
done
[ "$nbad" -gt 0 ] || skip "forms check refuses tests/data/forms/bad-*.json" \
    "no bad-*.json in $TESTDATA/forms"

# A form of ours with three broken expressions: every one is listed,
# naming the form, the question and why.
cat >"$T/exprs.json" <<'EOF'
{ "id": "exprs", "version": 1, "tasks": [11],
  "title": {"zh": "坏表达式", "en": "Broken expressions"},
  "site_kinds": ["enterprise"],
  "questions": [
    {"id": "fuel", "type": "choice", "label": {"zh": "燃料", "en": "Fuel"},
     "choices": [{"value": "coal", "label": {"zh": "燃煤", "en": "Coal"}}]},
    {"id": "q_unknown", "type": "integer", "relevant": "nosuch_field = 1",
     "label": {"zh": "甲", "en": "A"}},
    {"id": "q_master", "type": "text",
     "relevant": "(SELECT name FROM sqlite_master) IS NULL",
     "label": {"zh": "乙", "en": "B"}},
    {"id": "q_ext", "type": "yes_no", "relevant": "load_extension('x') IS NULL",
     "label": {"zh": "丙", "en": "C"}}
  ]
}
EOF
fails 1 "forms check refuses a form with broken expressions" \
    lt forms check "$T/exprs.json"
err_has "an unknown field: form, question and why" \
    "^lantian: $T/exprs.json: question q_unknown: relevant .*nosuch_field.*(no such column|unknown)"
err_has "a table read: form, question and why" \
    "^lantian: $T/exprs.json: question q_master: relevant .*sqlite_master.*not allowed"
err_has "load_extension: form, question and why" \
    "^lantian: $T/exprs.json: question q_ext: relevant .*load_extension.*not allowed"
fails 1 "forms check of a good and a bad form fails" \
    lt forms check "$BOILER" "$T/exprs.json"
out_has "and still says the good one is ok" "boiler.json: ok"
answers fuel '{"fuel": "coal"}'
fails 1 "forms try refuses to load the broken form" \
    lt forms try "$T/exprs.json" --answers "$A"
err_has "naming the first problem" "exprs.json: question q_unknown"

# An expression that would run for ever is stopped (guarded by timeout
# only so that a regression fails instead of hanging).
V="(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15))"
cat >"$T/slow.json" <<EOF
{ "id": "slow", "version": 1, "tasks": [11],
  "title": {"zh": "慢", "en": "Slow"}, "site_kinds": ["enterprise"],
  "questions": [
    {"id": "fuel", "type": "choice", "label": {"zh": "燃料", "en": "Fuel"},
     "choices": [{"value": "coal", "label": {"zh": "燃煤", "en": "Coal"}}]},
    {"id": "q_slow", "type": "yes_no", "label": {"zh": "丁", "en": "D"},
     "relevant": "(SELECT max(a.column1) FROM $V a, $V b, $V c, $V d, $V e, $V f, $V g WHERE a.column1 + b.column1 + c.column1 + d.column1 + e.column1 + f.column1 + g.column1 < 0) IS NULL"}
  ]
}
EOF
fails 1 "runaway work in an expression is stopped" \
    timeout 300 "$LANTIAN" forms try "$T/slow.json" --answers "$A"
err_has "it names the question and says why" \
    "^lantian: .*slow.json: question q_slow: relevant .*(expensive|stopped)"

# One step of SQLite that the progress handler cannot stop: ltrim() of a
# long string by a long set of characters (SQLite's own compares each
# character with each one of the set: 27 s for 100,000 characters).
# Values are bounded (a string over 65 KiB is an error), and trim,
# replace and instr take linear time; their results are SQLite's.
# (timeout only turns a regression into a failure instead of a hang.)
cat >"$T/costly.json" <<EOF
{ "id": "costly", "version": 1, "tasks": [11],
  "title": {"zh": "贵", "en": "Costly"}, "site_kinds": ["enterprise"],
  "questions": [
    {"id": "fuel", "type": "choice", "label": {"zh": "燃料", "en": "Fuel"},
     "choices": [{"value": "coal", "label": {"zh": "燃煤", "en": "Coal"}}]},
    {"id": "huge", "type": "calculate", "label": {"zh": "甲", "en": "A"},
     "calculation": "length(ltrim(replace(replace(replace(replace(replace(replace(replace(replace(replace('abcdefghij', 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), replace(replace(replace(replace(replace(replace(replace(replace(replace('abcdefghi', 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa')))"}
  ]
}
EOF
ok "forms check takes the costly form (the cost is in the values)" \
    lt forms check "$T/costly.json"
fails 1 "evaluating it stops with an error" \
    timeout 300 "$LANTIAN" forms try "$T/costly.json" --answers "$A"
err_has "naming the question and why" \
    "^lantian: .*costly.json: question huge: .*(too big|too long)"
cat >"$T/trims.json" <<EOF
{ "id": "trims", "version": 1, "tasks": [11],
  "title": {"zh": "剪", "en": "Trims"}, "site_kinds": ["enterprise"],
  "questions": [
    {"id": "fuel", "type": "choice", "label": {"zh": "燃料", "en": "Fuel"},
     "choices": [{"value": "coal", "label": {"zh": "燃煤", "en": "Coal"}}]},
    {"id": "t1", "type": "calculate", "label": {"zh": "一", "en": "1"},
     "calculation": "'[' || trim('  煤 a  ') || '|' || ltrim('xx煤yx', 'x') || '|' || rtrim('xx煤yx', 'xy') || '|' || trim('煤煤a煤', '煤') || '|' || trim(12.50, '0') || ']'"},
    {"id": "t2", "type": "calculate", "label": {"zh": "二", "en": "2"},
     "calculation": "replace('燃煤锅炉燃煤', '燃煤', 'gas') || '|' || replace('abc', '', 'x') || '|' || ifnull(replace(NULL, 'a', 'b'), 'null') || '|' || replace('aaa', 'aa', 'b')"},
    {"id": "t3", "type": "calculate", "label": {"zh": "三", "en": "3"},
     "calculation": "instr('燃煤锅炉', '锅') || ' ' || instr('abc', 'z') || ' ' || instr('abc', '') || ' ' || ifnull(instr(NULL, 'a'), 'null')"},
    {"id": "t4", "type": "calculate", "label": {"zh": "四", "en": "4"},
     "calculation": "length(ltrim(replace(replace(replace(replace(replace(replace(replace('abcdefghij', 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), replace(replace(replace(replace(replace(replace(replace('abcdefghi', 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa'), 'a', 'aaaa')))"}
  ]
}
EOF
ok "trim, replace and instr over 16,000 characters" \
    timeout 300 "$LANTIAN" forms try "$T/trims.json" --answers "$A" --json
is "give SQLite's results" \
    "$(json '"\n".join(str(d["values"][k]) for k in ("t1", "t2", "t3", "t4"))' <"$T/out")" \
    "[煤 a|煤yx|xx煤|a|12.5]
gas锅炉gas|abc|null|ba
3 0 1 null
1"

# forms try: a coal boiler of 20 t/h must be eliminated (task 11).
answers coal20 '{"fuel": "coal", "use": "production", "capacity_tph": 20, "status": "running"}'
ok "forms try boiler --json" lt forms try boiler --answers "$A" --json
cp "$T/out" "$T/coal20.out"
is "its output is one object with relevant, missing, violations, values, findings" \
    "$(json 'sorted(k for k in ["relevant","missing","violations","values","findings"] if k in d)' <"$T/coal20.out")" \
    '["findings", "missing", "relevant", "values", "violations"]'
is "coal-le35 fires: task 11, a violation" \
    "$(json '[(f["task"], f["severity"]) for f in d["findings"] if f["id"] == "coal-le35"]' <"$T/coal20.out")" \
    '[[11, "violation"]]'
is "the finding carries text, action and deadline_days" \
    "$(json '[sorted(f) for f in d["findings"] if f["id"] == "coal-le35"][0]' <"$T/coal20.out")" \
    '["action", "deadline_days", "id", "severity", "task", "text"]'
is "fuel and capacity_tph are shown" \
    "$(json '"fuel" in d["relevant"] and "capacity_tph" in d["relevant"]' <"$T/coal20.out")" \
    true
is "nothing is violated or missing" \
    "$(json 'd["violations"] + d["missing"]' <"$T/coal20.out")" "[]"
ok "forms try by file path, readable" lt forms try "$BOILER" --answers "$A"
out_has "the readable output names the finding" \
    "coal-le35 \(task 11, violation\)"
out_has "and names the form" "^form boiler v[0-9]+"

# A coal boiler of 40 t/h is outside that task.
answers coal40 '{"fuel": "coal", "use": "production", "capacity_tph": 40, "status": "running"}'
ok "forms try boiler, coal 40 t/h" lt forms try boiler --answers "$A" --json
is "coal-le35 does not fire" \
    "$(json '[f["id"] for f in d["findings"] if f["id"] == "coal-le35"]' <"$T/out")" \
    "[]"

# Missing answers are listed, not fatal.
answers empty '{}'
ok "forms try with no answers still works" lt forms try boiler --answers "$A" \
    --json
REQ=$(python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
print(json.dumps(sorted(q["id"] for q in f["questions"]
    if q.get("required") and "relevant" not in q)))' "$BOILER")
is "every required question shown is listed as missing" \
    "$(json 'sorted(set(d["missing"]) & set(json.loads(a[0])))' "$REQ" <"$T/out")" \
    "$REQ"
is "fuel is among them" "$(json '"fuel" in d["missing"]' <"$T/out")" true
ok "forms try without --json lists what is missing" lt forms try boiler \
    --answers "$A"
out_has "readable: missing fuel" "^missing:.* fuel"

# Out-of-range values are violations, listed.
MAX=$(python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
print([q.get("max", "") for q in f["questions"] if q["id"] == "capacity_tph"][0])' "$BOILER")
if [ -n "$MAX" ]; then
	answers big "{\"fuel\": \"gas\", \"capacity_tph\": $MAX.5}"
	ok "forms try with capacity_tph above its max" lt forms try boiler \
	    --answers "$A" --json
	is "the violation names capacity_tph" \
	    "$(json '[v["question"] for v in d["violations"]]' <"$T/out")" \
	    '["capacity_tph"]'
else
	skip "capacity_tph above its max is a violation" "no max in boiler.json"
	skip "the violation names capacity_tph" "no max in boiler.json"
fi

# Wrong answers are errors naming the question.
answers abc '{"fuel": "coal", "capacity_tph": "abc"}'
fails 1 "a text for a number is refused" lt forms try boiler --answers "$A" \
    --json
err_has "the message names capacity_tph" "^lantian: .*capacity_tph"
check "and nothing goes to stdout" test ! -s "$T/out"
answers choice '{"fuel": "uranium"}'
fails 1 "a choice that is not offered is refused" lt forms try boiler \
    --answers "$A"
err_has "the message names fuel and the value" "^lantian: .*fuel.*uranium"
answers unknown '{"fuel": "coal", "colour": "blue"}'
fails 1 "an unknown question is refused" lt forms try boiler --answers "$A"
err_has "the message names it" "^lantian: .*colour"
printf '{"fuel": "coal",\n' >"$T/broken.json"
fails 1 "answers that are not JSON are refused" lt forms try boiler \
    --answers "$T/broken.json"
err_has "with a clear error" "^lantian: .*broken.json: not valid JSON"
printf '["fuel"]\n' >"$T/array.json"
fails 1 "answers that are not an object are refused" lt forms try boiler \
    --answers "$T/array.json"
err_has "with a clear error" "^lantian: answers"
fails 1 "answers from a missing file" lt forms try boiler \
    --answers "$T/nonexistent.json"
err_has "name the file" "^lantian: .*nonexistent.json"
fails 1 "an unknown form is an error" lt forms try no-such-form \
    --answers "$T/fuel.json"
err_has "saying it is not found" "^lantian: form no-such-form: not found"
fails 2 "forms try without --answers is a usage error" lt forms try boiler
fails 2 "forms without a subcommand is a usage error" lt forms
err_has "its message starts with lantian:" "^lantian: forms"

done_testing
