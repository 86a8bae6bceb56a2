#!/bin/sh
# A whole inspection in Chinese on the demo data: a site found by typing
# its name, skip logic hiding the questions a "no" makes moot, Chinese
# typed into a text answer, the language switched back and forth on the
# way, a refusal to sign (拒签) with a witness, a wrong passphrase, the
# signed record.  The Chinese UI text comes from po/zh_CN.po (zh).
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/demo
setup "lantian demo" lt --data "$D" demo
NREC=$(lt_count "$D")

tui_start "$D" zh
wait_for "home in Chinese" "$(zh "Lantian 蓝天") · $(zh Home) +张伟 XY-017"
screen_has "no drafts" "$(zh 'Drafts in progress (%d)' 0)"
screen_has "what waits to sync" "$(zh 'Records waiting to sync: %lld' "$NREC")"
screen_has "the demo's findings due soon, in Chinese" '油烟净化设施未正常运行'
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
is "the inspector's badge ends at the right edge" \
    "$(col_of 0 XY-017)" 73

keys s
wait_for "s: the sites" "$(zh 'Search:')"
type_text 农家菜
wait_for "typing 农家菜 finds one site" "$(zh 'Sites: %d   villages: %d' 1 1)"
screen_has "it" 'XY-R-002 +南岭农家菜（演示） +'"$(zh Restaurant)"
screen_has "under its village" '^ 南岭村 \(1\)'
keys Enter
wait_for "the site" "$(zh 'Inspect with (forms for %s)' "$(zh Restaurant)")"
screen_has "its forms by their Chinese titles" '餐饮油烟检查 +restaurant-fume v1'
screen_has "its history" "$(zh 'History (%d record)' 1)"
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys Down Enter
wait_for "the form's note" '方案（任务7）要求餐饮油烟净化设施'
screen_has "1/3" '^  1/3'
keys Enter
wait_for "the first question" '是否安装油烟净化设施'
screen_has "2/3" '^  2/3'
screen_has "required, in Chinese" "^  $(zh '(required)') *$"
screen_has "yes and no in Chinese" "^   y  \\( \\) $(zh Yes) *$"
screen_has "the keys of the flow in Chinese" "^y/n $(zh 'yes / no, next') "
keys n
wait_for "n: no, and the notes come next" '^  3/3'
screen_has "saved as you go, in Chinese" "^  3/3 +$(zh 'saved as you go') *$"
screen_has "the notes" '^  备注'
screen_lacks "the questions about the purifier are skipped" '同步正常运行'
is "the draft: purifier_installed no" \
    "$(sql "$D" "SELECT answers FROM drafts")" '{"purifier_installed":false}'

# Chinese typed into the text, the language switched in the middle.
type_text '后厨已停业，设备已拆除'
wait_for "Chinese typed shows as typed" '^    后厨已停业，设备已拆除 *$'
keys F2
wait_for "F2: English, with the text kept" '^  Notes *$'
screen_has "the text is still there" '^    后厨已停业，设备已拆除 *$'
keys F2
wait_for "F2 again: Chinese" '^  备注 *$'
type_text '。'
keys PPage
wait_for "PgUp: the question before, its answer kept" '是否安装油烟净化设施'
screen_has "no is chosen" "^   n  \\(•\\) $(zh No) *$"
keys Tab
wait_for "Tab: forward again without changing it" '^  3/3'
screen_has "the notes kept" '^    后厨已停业，设备已拆除。 *$'
keys Enter
wait_for "Enter: the review, the notes among the answers" \
    '^   备注 +后厨已停业，设备已拆除。 *$'
screen_has "the question answered" "^   是否安装油烟净化设施 +$(zh No) *$"
screen_has "what comes next, in Chinese" \
    "$(zh "Complete. Next: the representative's acknowledgment (k), then sign (s).")"
screen_has "the finding: task, severity, text in Chinese" \
    "$(zh Task) 7 · $(zh violation): 未安装油烟净化设施"
screen_has "its action and deadline" \
    "→ $(zh by) [0-9]{4}-[0-9]{2}-[0-9]{2} · 安装油烟净化设施，与炉灶同步运行"
DEADLINE=$(sed -n 's/.*→ .* \([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\) · .*/\1/p' "$T/screen")
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys L
wait_for "L: the review in English" 'Findings these answers imply'
screen_has "form text in English" 'No fume purifier installed'
keys L
wait_for "L: Chinese again" '未安装油烟净化设施'

# Refused to sign, with a witness.
keys k
wait_for "k: the acknowledgment" '^  \[ \] .*拒签'
screen_has "its fields in Chinese" "$(zh 'Name of the site representative')"
keys F5
wait_for "F5: refused (拒签)" '^  \[x\] .*拒签'
screen_has "a witness is asked" "$(zh 'Witness of the refusal (name)')"
keys C-r
wait_for "Ctrl-R: not refused" '^  \[ \] .*拒签'
screen_lacks "no witness then" "$(zh 'Witness of the refusal (name)')"
keys C-r
wait_for "Ctrl-R: refused again" '^  \[x\] .*拒签'
type_text 王老板
keys Enter Enter Enter
wait_for "a refusal needs a witness" "$(zh 'A refusal needs a witness.')"
type_text 村干部李明
keys Enter
wait_for "saved" "$(zh 'Acknowledgment saved.')"
screen_has "the review says who refused and the witness" \
    "$(zh 'refused to sign (拒签) by') 王老板, $(zh witness) 村干部李明"
screen_has "ready to sign" "$(zh 'Complete and acknowledged: press s to sign.')"

keys s
wait_for "s: the passphrase" "$(zh 'Sign the record')"
screen_has "what you type is not shown" "$(zh '(what you type is not shown)')"
type_text wrong
wait_for "shown as stars" '^  \*{5} *$'
screen_lacks "not as text" 'wrong'
keys Enter
wait_for "a wrong passphrase says so in Chinese" \
    "$(zh 'Wrong passphrase: nothing was signed and nothing is lost. Try again.')"
screen_lacks "the field is emptied" '^  \*{5} *$'
is "nothing is signed" "$(lt_count "$D")" "$NREC"
type_text demo
wait_for "the right one" '^  \*{4} *$'
keys Enter
wait_for "signed" "$(zh 'Signed and stored: record %.12s.' '[0-9a-f]{12}')"
wait_for "verified" "$(zh 'Signature and chain verified')"
screen_has "the site" '南岭农家菜（演示） \(XY-R-002\)'
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys G
wait_for "at its end: the refusal" "$(zh 'Refused to sign (拒签).')"
screen_has "the witness" "$(zh Witness) +村干部李明"
keys Escape
wait_for "Esc: home" "$(zh 'Drafts in progress (%d)' 0)"
screen_has "one more record waits to sync" \
    "$(zh 'Records waiting to sync: %lld' $((NREC + 1)))"
tui_quit "q quits with status 0"

ok "records list --site XY-R-002 --json" lt --data "$D" records list \
    --site XY-R-002 --json
ID=$(json 'max(d, key=lambda r: r["seq"])["id"]' <"$T/out")
ok "records show --raw" lt --data "$D" records show "$ID" --raw
is "the answers: no purifier, the notes in Chinese" \
    "$(json 'd["answers"]' <"$T/out")" \
    '{"purifier_installed": false, "notes": "后厨已停业，设备已拆除。"}'
is "the refusal and its witness" "$(json 'd["acknowledged"]' <"$T/out")" \
    '{"name": "王老板", "role": "", "refused": true, "witness": "村干部李明"}'
is "the finding, with the deadline the review showed" \
    "$(json '[(f["rule"], f["deadline"]) for f in d["findings"]]' <"$T/out")" \
    "[[\"no-purifier\", \"$DEADLINE\"]]"
ok "the demo data still verifies" lt --data "$D" verify
is "the language stays Chinese" \
    "$(sql "$D" "SELECT value FROM settings WHERE key = 'tui.lang'")" zh

done_testing
