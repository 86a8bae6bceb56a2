#!/bin/sh
# The sites screen on the demo data (16 sites of 下冶镇): grouped by
# village, searched as you type by name, village, id or kind, the
# selection stepping over the village headings; a site with the forms for
# its kind (or all), its history and open findings; control characters
# imported into a site's name shown as '?'; in Chinese too.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/demo
setup "lantian demo" lt --data "$D" demo
# A site whose name and address carry terminal escapes (a hostile CSV).
printf 'id,name,village,kind,address\nXY-X-001,"\033[31mRED\033[0m 红色\007工厂",东坡村,enterprise,"东坡\033]0;pwned\007路"\n' \
    >"$T/evil.csv"
ok "sites import of a CSV with control characters" \
    lt --data "$D" sites import "$T/evil.csv"

tui_start "$D" en
wait_for "home" 'Lantian 蓝天 · Home'
keys s
wait_for "s: every site" 'Sites: 17   villages: 4'
screen_has "the search field, empty" '^ Search: *$'
screen_has "grouped by village, with counts: 下冶村" '^ 下冶村 \(6\) *$'
screen_has "东坡村" '^ 东坡村 \(2\) *$'
screen_has "南岭村" '^ 南岭村 \(5\) *$'
L1=$(grep -n '^ 下冶村 (6)' "$T/screen" | cut -d: -f1)
L2=$(grep -n '^ 东坡村 (2)' "$T/screen" | cut -d: -f1)
check "the villages in order" test "$L1" -lt "$L2"
screen_has "a site: id, name, kind" \
    '^   XY-R-001 +老街烩面馆（演示） +Restaurant *$'
screen_has "the control characters show as ?" \
    '^   XY-X-001 +\?\[31mRED\?\[0m 红色\?工厂 +Enterprise *$'
sel_is "the first site is selected, not the heading" '^XY-S-001 下冶便民超市'
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
grab_e
check "no escape from the site's name reaches the terminal" \
    sh -c "! grep -q -E \"$(printf '\033')\\[31m\" '$T/screen-e'"

keys Down
sel_is "↓ moves to the next site" '^XY-V-001 下冶村（演示）'
keys Down Down Down Down Down
sel_is "↓ past the last of a village steps over the next heading" \
    '^XY-X-001 \?\[31mRED'
keys Up
sel_is "↑ steps back over it" '^XY-R-001 老街烩面馆'

# Search as you type.
type_text 南
wait_for "南: the sites of 南岭村 (5)" 'Sites: 5   villages: 1'
screen_has "under its heading" '^ 南岭村 \(5\) *$'
screen_lacks "no other village" '下冶村 \(|东坡村 \('
sel_is "the first match is selected" '^XY-R-002 南岭农家菜'
type_text 岭农
wait_for "南岭农: one site" 'Sites: 1   villages: 1'
screen_has "the restaurant" 'XY-R-002 +南岭农家菜（演示）'
keys BSpace BSpace
wait_for "Backspace ×2: 南 again" 'Sites: 5   villages: 1'
keys BSpace
wait_for "empty: all of them" 'Sites: 17   villages: 4'
type_text 石门村
wait_for "by village: 石门村's four" 'Sites: 4   villages: 1'
screen_has "a road in it" '下冶至石门道路改建（演示）'
keys C-u
type_text xy-m
wait_for "by id, any case: xy-m" 'Sites: 1   villages: 1'
screen_has "the mine" 'XY-M-001 +石门石料厂（演示） +Mine'
keys C-u
type_text Household
wait_for "by kind: Household" 'Sites: 3   villages: 2'
screen_has "王建国家" '王建国家（演示）'
keys C-u
type_text zzz
wait_for "nothing matches" 'No site matches "zzz"\.'
keys Enter
wait_for "Enter on nothing does nothing" 'No site matches "zzz"\.'
keys Escape
wait_for "Esc clears the search" 'Sites: 17   villages: 4'
screen_has "the field is empty" '^ Search: *$'
keys Escape
wait_for "Esc again: home" 'Lantian 蓝天 · Home'

# A site.
keys s
wait_for "s again: the search starts empty" 'Sites: 17'
type_text 王建国
wait_for "王建国: one site" 'Sites: 1   villages: 1'
screen_has "王建国家" 'XY-H-001 +王建国家（演示）'
tui_resize 100 30
wait_for "resized while searching: the search is kept" '^ Search: 王建国 *$'
screen_has "and its result" 'XY-H-001 +王建国家（演示） +Household'
tui_resize 80 24
wait_for "back to 80x24" '^ Lantian 蓝天 · Sites +张伟 XY-017$'
keys Enter
wait_for "Enter: the site" '^  王建国家（演示）  XY-H-001 · Household'
screen_has "its details" 'Village: 下冶村   Address: 下冶村三组'
screen_has "the forms for households" 'Inspect with \(forms for Household\)'
screen_has "coal ban" '^    Loose coal and clean heating inspection  coal-ban v2'
screen_lacks "no boiler" 'boiler v1'
screen_has "its history" 'History \(1 record\)'
screen_has "its record: form, findings, status (the demo is its own office: verified)" \
    'Loose coal and clean heat.* 2 found, 2 open +verified'
screen_has "its open findings" 'Open findings \(2\)'
screen_has "each with deadline, severity, text" \
    '[0-9]{4}-[0-9]{2}-[0-9]{2} +violation +Sale, storage, transport'
sel_is "the form is selected" '^Loose coal and clean heating inspection'
keys a
wait_for "a: all forms" 'Inspect with \(all forms\)'
screen_has "those not for households are marked *" 'boiler v1  \*'
screen_has "it says what * means" 'All forms: those marked \* are not made'
screen_has "the household's own is not marked" 'coal-ban v2 *$'
keys a
wait_for "a again: the kind's" 'Inspect with \(forms for Household\)'
keys Down
sel_is "↓ over the heading: the record" 'Loose coal and clean heat'
keys Enter
wait_for "Enter: the record" 'Record [0-9a-f]{8}'
screen_has "of this site" 'Site +王建国家（演示） \(XY-H-001\)'
keys Escape
wait_for "Esc: the site again" 'History \(1 record\)'
sel_is "the record still selected" 'Loose coal and clean heat'
keys Down
sel_is "↓: a finding" 'violation'
keys Enter
wait_for "Enter on a finding: its record" 'Record [0-9a-f]{8}'
keys Escape Escape
wait_for "Esc Esc: the sites" 'Search:'

# The hostile site.
keys C-u
type_text XY-X
wait_for "the hostile site" '^ Search: XY-X *$'
screen_has "alone" 'Sites: 1   villages: 1'
keys Enter
wait_for "its screen" 'XY-X-001 · Enterprise'
screen_has "its name with ? for the escapes" '^  \?\[31mRED\?\[0m 红色\?工厂  XY-X-001'
screen_has "its address too" 'Address: 东坡\?\]0;pwned\?路'
screen_has "in the title" '^ Lantian 蓝天 · \?\[31mRED\?\[0m 红色\?工厂'
grab_e
check "no escape from its name reaches the terminal" \
    sh -c "! grep -q -E \"$(printf '\033')(\\[31m|\\]0;)\" '$T/screen-e'"
tui_quit "q quits with status 0"

# In Chinese: kinds by their Chinese names.
tui_start "$D" zh
wait_for "home in Chinese" "$(zh Home)"
keys s
wait_for "the sites in Chinese" "$(zh 'Sites: %d   villages: %d' 17 4)"
screen_has "kinds in Chinese" '^   XY-R-001 +老街烩面馆（演示） +'"$(zh Restaurant)"' *$'
type_text "餐饮"
wait_for "餐饮 finds the restaurants" "$(zh 'Sites: %d   villages: %d' 2 2)"
keys C-u
type_text 下冶
wait_for "下冶: the village's and the names with it" "$(zh 'Sites: %d   villages: %d' 9 4)"
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys F2
wait_for "F2: English, the search kept" '^ Search: 下冶 *$'
keys F2
wait_for "F2: Chinese again" "^ $(zh 'Search:') 下冶 *$"
keys C-u
type_text zzz
wait_for "no match, in Chinese" "$(zh 'No site matches "%s".' zzz)"
keys q
wait_for "q is a letter of the search here" "^ $(zh 'Search:') zzzq *$"
keys F10
if _tui_wait '^EXITED [0-9]+'; then
	screen_has "F10 quits, status 0" '^EXITED 0$'
else
	fail "F10 quits"
	_tui_lost
fi

done_testing
