#!/bin/sh
# The monthly report in the TUI (m on home): the plan's figures with bar
# charts, a month back and forward, in English and Chinese.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
LANTIAN_NOW=2029-12-01T00:00:00Z
export LANTIAN_NOW
lt_office_init "$D"
lt_sites "$D"
LANTIAN_NOW=2030-01-05T08:00:00Z
lt_inspect "$D" XY-R-101 restaurant-fume '{"purifier_installed": true, "purifier_running": true, "cleaning_records": true}'
lt_inspect "$D" XY-E-101 dustfall '{"month": "2030-01", "dustfall": 9.5, "report_no": "D1"}' --any-kind
lt_inspect "$D" XY-E-102 dustfall '{"month": "2030-01", "dustfall": 6.0, "report_no": "D2"}' --any-kind
lt_inspect "$D" XY-H-101 fire-point '{"recheck": false, "village": "下冶村", "found_date": "2030-01-05", "found_by": "onsite", "fire_kind": "straw", "cleared": true}' --any-kind
lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER"

tui_start "$D" en LANTIAN_NOW=2030-01-20T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
keys m
wait_for "m: the report of this month" 'Lantian 蓝天 · Monthly report 2030-01'
screen_has "what it counts" '^ 5 records counted \(verified\), by 1 inspector$'
screen_has "the restaurants" 'Restaurant fume purifiers \(task 7\): 1 of 1 inspected'
screen_has "their bar, full, past the target" \
    '^   spot-check rate +█{20} 100% \(target 20%: met\)$'
screen_has "dust fall, met" 'Dust fall \(task 6\): average 7\.75 t/km²/month, limit 8: met'
# (Bars of 20 columns for twice the limit, 16: 9.5 is 12 of them, 6.0
# is 8, and the limit's mark is the 11th column.)
screen_has "the site above the limit: its bar passes the mark" \
    '^   XY-E-101 下冶镇供热站 +█{12}·{8} 9\.50 !$'
screen_has "the one below: the limit marked" \
    '^   XY-E-102 济源市南岭建材.* +█{8}·{2}\|·{9} 6\.00$'
screen_has "fire points" 'Fire points \(task 9\): 1, deductions 300 yuan'
screen_has "per village" '^   下冶村 +█{20} 1, 300 yuan$'
screen_has "the coal boiler" 'Boilers \(task 11\): coal ≤ 35 t/h found 1'
keys p
wait_for "p: December" 'Monthly report 2029-12'
screen_has "nothing then" '^ 0 records counted'
keys n n
wait_for "n n: February" 'Monthly report 2030-02'
keys p
wait_for "p: January again" 'Monthly report 2030-01'
keys L
wait_for "L: in Chinese" "$(zh 'Monthly report %s' 2030-01)"
screen_has "the restaurants in Chinese" "$(zh 'Restaurant fume purifiers (task 7): %lld of %lld inspected' 1 1)"
keys Escape
wait_for "Esc: home" "$(zh 'Drafts in progress (%d)' 0)"
keys L
wait_for "L: English again" 'Drafts in progress \(0\)'

# The supervisor's desk: today is 20 January.
keys d
wait_for "d: the desk" 'Lantian 蓝天 · Supervisor.s desk 2030-01'
screen_has "findings by village: 下冶村's two open, one overdue" \
    '^   下冶村 +█{20} 2 open, 1 overdue, 0 closed$'
screen_has "by task: the fire point, overdue" \
    '^   task 9 +█{20} 0 open, 1 overdue, 0 closed$'
screen_has "the inspector" '^   张伟 XY-017 +█{20} 5; 0 not verified; 0 missing$'
screen_has "the conflicts, kept as records arrive: none" 'Conflicts \(0\)'
keys c
wait_for "c: looked for again, none" 'Conflicts \(0\)'
keys f
wait_for "f: the overdue findings" 'Lantian 蓝天 · Findings: overdue'
screen_has "the fire point, past the 8th" '^ 2030-01-08  task 9 +XY-H-101 +Open-burning'
screen_has "only it" '^ 1 finding +1/1$'
keys o
wait_for "o: every one not closed" 'Findings: not closed'
screen_has "three open" '^ 3 findings +[0-9]/3$'
keys c
wait_for "c: closed" 'Findings: closed'
screen_has "none closed" 'None\.'
keys a
wait_for "a: all" 'Findings: all'
keys /
wait_for "/: the words" 'Words such as village:'
type_text 'task:11'
keys Enter
wait_for "task 11 only" 'Findings: all · task:11'
screen_has "the coal boiler's" '^ 2030-02-04  task 11 +XY-E-101 +Coal boilers'
keys Enter
wait_for "Enter: its record" 'Record [0-9a-f]{8}'
keys Escape
wait_for "back to the findings" 'Findings: all · task:11'
keys C
wait_for "C on an open one" 'This finding is not closed\.'
keys Escape
wait_for "Esc: the desk" 'Supervisor.s desk'
keys Escape
wait_for "Esc: home" 'Drafts in progress \(0\)'

# The merged log, narrowed: / in the history.
keys h
wait_for "h: the history" 'Lantian 蓝天 · History'
keys /
wait_for "/: the words" 'Words such as village:'
type_text 'task:9 village:下冶村'
keys Enter
wait_for "only the fire point" 'History · task:9 village:下冶村'
screen_has "its row" '王建国家 +Open-burning fire'
screen_lacks "not the boiler" 'Boiler'
keys /
wait_for "/ again, with the words" 'task:9 village:下冶村'
keys C-u
type_text 'colour:red'
keys Enter
wait_for "a word that is not a filter" 'colour: not a filter'
keys C-u
type_text 'severity:violation from:2030-01-05 to:2030-01-05'
keys Enter
wait_for "the violations of the 5th" 'History · severity:violation from:2030-01-05'
screen_has "the coal boiler" '下冶镇供热站 +Boiler inspection'
screen_has "the fire point" '王建国家 +Open-burning fire'
screen_lacks "not the dust falls" 'Dust'
keys Escape
wait_for "Esc: home" 'Drafts in progress \(0\)'
tui_quit "q"

done_testing
