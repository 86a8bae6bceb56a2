#!/bin/sh
# The inspector's day without traps (issue 18): the Chinese UI says
# everything in Chinese (the last sync, the register's industry, the
# report's fuels and rules), lists say where they are, names get the room
# the screen has, the demo says where its data is, the home help names
# every key; and for a trained hand: i starts at the first question, n is
# only ever No, the register answers what it knows (shown, changeable,
# taken on moving on), a follow-up starts from the last visit, full-width
# digits of a Chinese input method are numbers, the findings the
# representative reads are wrapped whole.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/demo
# In the production-control season, whatever day the test runs.
NOW=2030-01-10T08:00:00Z
LANTIAN_NOW=$NOW
export LANTIAN_NOW
setup "lantian demo" lt --data "$D" demo
setup "a stick" lt --data "$D" remote add usb "$T/stick.git" --create
setup "a sync with it" lt --data "$D" sync usb

# --- Home in Chinese: the last sync, the names, the help. -------------
tui_start "$D" zh LANTIAN_AUTOSYNC=0 LANTIAN_NOW=$NOW
wait_for "home in Chinese" "$(zh "Lantian 蓝天") · $(zh Home)"
screen_has "the last sync in Chinese" \
    "$(zh 'Last sync: %s' "[0-9-]+ [0-9:]+  $(zh '%s  with %s: %lld sent, %lld received' '' usb 11 0 | sed 's/^  //')") *$"
screen_lacks "no English of the sync" 'ok with usb|sent,|received'
screen_has "a long name whole among the findings due" \
    '^  [0-9-]{10} +南岭村安置房工地（演示） +裸露土方'
screen_has "another" '^  [0-9-]{10} +王建国家（演示） +“禁煤区”'
screen_has "the demo says where its data is" \
    "$(zh 'Demo of 下冶镇: passphrase "%s"; data in %s' demo "$D")"
keys y
wait_for "y: the sync screen" "^ $(zh 'Last sync') *$"
screen_has "its last sync in Chinese too" \
    "^ +[0-9-]+ [0-9:]+  $(zh '%s  with %s: %lld sent, %lld received' '' usb 11 0 | sed 's/^  //') *$"
screen_lacks "no English there either" 'ok with usb'
keys Escape
wait_for "home again" "$(zh 'Drafts in progress (%d)' 0)"
screen_has "the sites still to do, listed in Chinese" \
    '^    2 / 2 个待检查：下冶包装印刷厂（演示）、石门砖瓦厂（演示） *$'
keys '?'
wait_for "?: the keys of home" "$(zh 'Keys of this screen (any key closes this help)')"
screen_has "a is among them" "^    a +$(zh 'answer the office') *$"
screen_has "so are the moving keys" "^    ↑↓ +$(zh move) *$"
screen_has "and v" "^    v +$(zh 'review queue') *$"
keys Escape
wait_for "the help closes" "$(zh 'Drafts in progress (%d)' 0)"

# --- The sites list says where it is. --------------------------------
keys s
wait_for "s: the sites" "$(zh 'Sites: %d   villages: %d' 16 4)"
screen_has "the first of 16" ' 1/16 *$'
screen_has "↓: more follow below" '↓ *$'
screen_lacks "nothing above" '↑ *$'
keys F1
wait_for "F1: the sites' help names the page keys" \
    "^    PgUp PgDn +$(zh 'a page up / down') *$"
keys Escape
wait_for "the help closes" "$(zh 'Sites: %d   villages: %d' 16 4)"
keys NPage NPage
wait_for "PgDn PgDn: the last of 16" ' 16/16 *$'
screen_has "↑: rows above" '↑ *$'
screen_lacks "nothing below" '↓ *$'

# --- The site: the register's industry by its name. ------------------
type_text 印刷
wait_for "the printing works" 'XY-E-003 +下冶包装印刷厂（演示）'
keys Enter
wait_for "its details" "$(zh 'Industry:') 包装印刷 "
screen_lacks "not the register's code" 'printing'
screen_has "the bar names i" "i → $(zh 'skip the note')"

# --- i: the first question; the register's industry, shown. ----------
keys Down Down Down
sel_is "the VOC form selected" '挥发性有机物'
keys i
wait_for "i: the first question at once, past the note" '^  2/[0-9]+( |$)'
screen_has "the industry" '^  行业 *$'
screen_has "marked as the register's" "^  $(zh '(from the site register)') *$"
screen_has "the register's industry chosen" '^   3  \(•\) 包装印刷 *$'
sel_is "and highlighted" '3 \(•\) 包装印刷'
is "not an answer yet" \
    "$(sql "$D" "SELECT json_extract(answers, '$.industry') FROM drafts")" ''
keys p
wait_for "p: the note, one key back" '^  1/[0-9]+( |$)'
keys Tab
wait_for "Tab: the industry again" '^  行业 *$'
screen_has "still the register's" "^  $(zh '(from the site register)') *$"
keys Enter
wait_for "Enter: moving on takes it" '^  3/[0-9]+( |$)'
wait_sql "the draft: the register's industry" "$D" \
    "SELECT json_extract(answers, '$.industry') FROM drafts" printing
keys p
wait_for "back to it: the answer is the register's" '^   3  \(•\) 包装印刷 *$'
screen_has "still marked" "^  $(zh '(from the site register)') *$"
keys 5
wait_for "5: changed" '^  3/[0-9]+( |$)'
wait_sql "the draft: the inspector's answer" "$D" \
    "SELECT json_extract(answers, '$.industry') FROM drafts" chemical
keys p
wait_for "back: the inspector's answer" '^   5  \(•\) 化工、制药 *$'
screen_lacks "not the register's any more" "$(zh '(from the site register)')"
keys Escape
wait_for "paused" "$(zh 'Inspect with (forms for %s)' "$(zh Enterprise)")"
keys Escape Escape Escape
wait_for "home" "$(zh 'Drafts in progress (%d)' 1)"

# --- Coal ban: the zone from the site's village. ---------------------
keys s
type_text 陈有福
wait_for "a household of 南岭村" 'XY-H-003 +陈有福家（演示）'
keys Enter
wait_for "its forms" '散煤治理与清洁取暖检查'
keys i
wait_for "the zone question at once" '是否位于“禁煤区”（下冶村）'
screen_has "not in the zone: No, from the register" "^   n  \\(•\\) $(zh No) *$"
screen_has "marked" "^  $(zh '(from the site register)') *$"
keys Escape Escape
wait_for "the sites" "$(zh 'Search:')"
keys Escape
wait_for "the search cleared" "$(zh 'Sites: %d   villages: %d' 16 4)"
type_text 王建国
wait_for "a household of 下冶村" 'XY-H-001 +王建国家（演示）'
keys Enter
wait_for "its forms" '散煤治理与清洁取暖检查'
keys i
wait_for "the zone question" '是否位于“禁煤区”（下冶村）'
screen_has "in the zone: Yes, from the register" "^   y  \\(•\\) $(zh Yes) *$"
keys Escape
wait_for "the site again" '散煤治理与清洁取暖检查'

# --- A follow-up starts from the last visit. -------------------------
keys Down
sel_is "its record with open findings" "$(zh '%d found, %d open' 2 2)"
keys f
wait_for "f: the follow-up, at its note" '^  1/[0-9]+( |$)'
FOLLOWED=$(sql "$D" "SELECT follows FROM drafts WHERE follows IS NOT NULL")
sql "$D" "SELECT answers FROM drafts WHERE follows IS NOT NULL" >"$T/draft"
lt --data "$D" records show "$FOLLOWED" --raw >"$T/followed"
is "the draft holds the last visit's answers, photos aside" \
    "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))["answers"]
r.pop("coal_photo", None)
print(d == r and len(d) > 0)' "$T/draft" "$T/followed")" True
keys Enter
wait_for "the zone, answered as last time" "^   y  \\(•\\) $(zh Yes) *$"
screen_has "marked from the last visit" "^  $(zh '(from the last visit)') *$"
keys Enter
wait_for "the loose coal found then" '现场发现的散煤'
screen_has "marked too" "^  $(zh '(from the last visit)') *$"
keys r
wait_for "r: the review says it too" \
    "^   是否位于“禁煤区”（下冶村） +$(zh Yes) $(zh '(from the last visit)') *$"
keys Escape
wait_for "back to the flow" '现场发现的散煤'
keys Escape Escape Escape Escape
wait_for "home" "$(zh 'Drafts in progress (%d)' 4)"

# --- The report: fuels and rules in Chinese. --------------------------
keys m
wait_for "m: the report" "$(zh 'Findings opened / closed, per task')"
screen_has "the gas boiler's fuel by its label" '^   燃气  XY-E-002 '
screen_has "a rule by its text" \
    'XY-E-001 济源市下冶建材有限公司（演示）: 35 蒸吨/小时及以下燃煤锅炉'
screen_lacks "no rule id" 'coal-le35|gas-fgr-manual'
screen_lacks "no fuel code" '^   gas '
keys Escape
wait_for "home" "$(zh 'Drafts in progress (%d)' 4)"

# --- History: the names the columns can hold. ------------------------
keys h
wait_for "h: the history" "^ $(zh When) +$(zh Site) "
screen_has "a long name whole" \
    '^ [0-9-]{10} [0-9:]{5}  南岭村安置房工地（演示） +建筑'
keys Escape
wait_for "home" "$(zh 'Drafts in progress (%d)' 4)"

# --- Boiler: n, full-width numbers, the findings wrapped. -------------
keys s
type_text 建材
wait_for "the building materials works" 'XY-E-001'
keys Enter
wait_for "its forms" '锅炉综合治理'
keys i
wait_for "the boiler's number" '锅炉编号或铭牌型号'
keys F1
wait_for "F1 on a field: its help names every key" \
    "^    Ctrl-T +$(zh 'today (a date)') *$"
screen_has "Ctrl-L too" "^    Ctrl-L +$(zh "the site's registered place (a location)") *$"
screen_has "and the arrows" "^    ↑ ↓ +$(zh 'previous / next question') *$"
keys Escape
wait_for "the help closes" '锅炉编号或铭牌型号'
type_text '1号'
keys Enter
wait_for "the fuel (a choice)" '^  燃料类型 *$'
screen_has "the bar: Tab skips, no n" "^Enter $(zh 'answer, next') .* Tab $(zh skip) "
screen_lacks "n is not next" " n $(zh next) "
keys n 1
wait_for "n on a choice is nothing: 1 then answers the fuel; the use" \
    '^  用途 *$'
wait_sql "the fuel: coal" "$D" "SELECT json_extract(answers, '$.fuel') FROM drafts WHERE form = 'boiler'" coal
keys 1
wait_for "1: production; the capacity" '^  额定蒸发量 *$'
type_text '－３'
keys Enter
wait_for "full-width －３ is a number: out of range" \
    "$(zh 'Must be between %s and %s.' 0 '[0-9.]+')"
screen_lacks "not 'not a number'" "$(zh 'Not a number (use a point for decimals).')"
keys BSpace BSpace
type_text '１２．５'
keys Enter
wait_for "full-width １２．５ is taken" '^  现状 *$'
wait_sql "the draft: 12.5" "$D" \
    "SELECT json_extract(answers, '$.capacity_tph') FROM drafts WHERE form = 'boiler'" 12.5
keys r
wait_for "r: the review" "$(zh 'Findings these answers imply')"
screen_has "the capacity, the inspector's own: unmarked" '额定蒸发量 +12.5 t/h *$'
screen_has "the finding's first row, to the edge" \
    '^   任务 11 · 违规: 35 蒸吨/小时及以下燃煤锅炉（含茶水炉、经营性炉灶、储粮烘干设 *$'
screen_has "its text goes on, whole, on the next row" '^   备）应清零 *$'
screen_has "its action" '^     → 期限 [0-9-]{10} · 拆除，或改用清洁能源 *$'
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys L
wait_for "L: the review in English" 'Findings these answers imply'
screen_has "the English text, wrapped at a space" \
    '^   Task 11 · violation: Coal boilers up to 35 t/h \(tea stoves, commercial *$'
screen_has "and whole" '^   stoves and grain dryers included\) must be eliminated *$'
sed 1d "$T/screen" >"$T/body"
check "nothing cut with … below the title" sh -c "! grep -q '…' '$T/body'"
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys L
wait_for "L: Chinese again" "$(zh 'Findings these answers imply')"
keys Escape Escape
wait_for "paused" '锅炉综合治理'
tui_quit "q quits with status 0"

# --- English: the flow's keys, the register's mark. -------------------
tui_start "$D" en LANTIAN_AUTOSYNC=0 LANTIAN_NOW=$NOW
wait_for "home" 'Drafts in progress \(5\)'
screen_has "the last sync in English" \
    'Last sync: [0-9-]+ [0-9:]+  with usb: 11 sent, 0 received *$'
keys Down Down Enter
wait_for "the boiler draft resumes" '^  Status *$'
keys p
wait_for "p: the capacity" '^  Rated capacity *$'
keys PPage
wait_for "PgUp: the use" '^  Use *$'
screen_has "the choice bar: Tab skips" '^Enter answer, next .* Tab skip '
screen_lacks "no n next" ' n next '
keys Escape
wait_for "paused" 'Drafts in progress \(5\)'
keys s
type_text 包装
wait_for "the printing works" 'XY-E-003'
keys Enter
wait_for "its industry by its English label" 'Industry: Packaging printing '
keys Down Down Down i
wait_for "the industry at once" '^  Industry *$'
screen_has "marked" '^  \(from the site register\) *$'
screen_has "chosen" '^   3  \(•\) Packaging printing *$'
keys Escape Escape
wait_for "the sites" 'Search:'
screen_has "where the list is" ' 1/1 *$'
keys Escape Escape
wait_for "home" 'Drafts in progress \(6\)'
tui_quit "q quits"

# --- lantian demo on a terminal says where its data is. ---------------
cat >"$T/demo-wrap" <<EOF
#!/bin/sh
exec "$LANTIAN" "\$@" demo
EOF
chmod +x "$T/demo-wrap"
REAL=$LANTIAN
LANTIAN=$T/demo-wrap
tui_start "$T/demo2" en LANTIAN_AUTOSYNC=0
wait_for "lantian demo opens the TUI saying where the data is" \
    "Demo of 下冶镇: passphrase \"demo\"; data in $T/demo2 *$"
tui_quit "q quits"
LANTIAN=$REAL
tui_clean "no sanitizer report"

done_testing
