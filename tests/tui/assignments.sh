#!/bin/sh
# The office's draw reaches the inspector: after a sync, the home screen
# lists this month's assigned sites still to inspect, and one inspected
# leaves the list.  A second draw of the month (--redraw REASON, issue 18
# item 5) is shown with the draw it replaced and the reason.
set -u
. "$top_srcdir/tests/tui/lib.sh"

O=$T/office
D=$T/d
STICK=$T/stick.git
LANTIAN_NOW=2030-01-05T08:00:00Z
export LANTIAN_NOW

setup "office: init" lt --data "$O" init --name 王主任 --badge OF-001 \
    --passphrase-file "$PASSFILE"
setup "office: office init" lt --data "$O" office init \
    --passphrase-file "$PASSFILE"
lt_sites "$O"
setup "the inspector" lt --data "$D" init --name 张伟 --badge XY-017 \
    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
lt_sites "$D"
setup "enrol" lt --data "$O" roster add "$D/keys/device.pub" --name 张伟 \
    --badge XY-017 --from 2020-01-01 --passphrase-file "$PASSFILE"
ok "the office draws two enterprises for January" lt --data "$O" draw \
    --month 2030-01 --kind enterprise --sites 2 --inspectors-per-site 1 \
    --seed 一月 --passphrase-file "$PASSFILE"
setup "the stick" lt --data "$O" remote add usb "$STICK" --create
setup "the office syncs" lt --data "$O" sync usb
setup "the inspector syncs" lt --data "$D" sync "$STICK"

tui_start "$D" en TZ=UTC LANTIAN_AUTOSYNC=0 LANTIAN_NOW=$LANTIAN_NOW
wait_for "home: both sites to do" \
    "^    2 of 2 to do: (下冶镇供热站, 济源市南岭建材有限公司,二厂|济源市南岭建材有限公司,二厂, 下冶镇供热站)"
tui_quit "q"

lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
tui_start "$D" en TZ=UTC LANTIAN_AUTOSYNC=0 LANTIAN_NOW=$LANTIAN_NOW
wait_for "one inspected: one left" "^    1 of 2 to do: 济源市南岭建材有限公司,二厂$"
tui_quit "q"

lt_inspect "$D" XY-E-102 boiler "$GAS_BOILER"
tui_start "$D" zh TZ=UTC LANTIAN_AUTOSYNC=0 LANTIAN_NOW=$LANTIAN_NOW
wait_for "both inspected, in Chinese" "^    $(zh 'The %d site is inspected.' 2)$"
tui_quit "q"

# The office draws the month's households, then again with a reason.
ok "the office draws one household" lt --data "$O" draw --month 2030-01 \
    --kind household --sites 1 --inspectors-per-site 1 --seed 一月户 \
    --passphrase-file "$PASSFILE"
fails 1 "a second draw without a reason is refused" lt --data "$O" draw \
    --month 2030-01 --kind household --sites 1 --inspectors-per-site 1 \
    --seed 一月户二 --passphrase-file "$PASSFILE"
ok "with --redraw it is made" lt --data "$O" draw --month 2030-01 \
    --kind household --sites 1 --inspectors-per-site 1 --seed 一月户二 \
    --redraw 名册有误 --passphrase-file "$PASSFILE"
setup "the office syncs" lt --data "$O" sync usb
setup "the inspector syncs" lt --data "$D" sync "$STICK"
FIRST=$(lt --data "$D" draw --show --month 2030-01 --kind household --json |
    json 'd[0]["assignments"][0]["name"]')
NOW=$(lt --data "$D" draw --show --month 2030-01 --kind household --json |
    json 'd[1]["assignments"][0]["name"]')
tui_start "$D" en TZ=UTC LANTIAN_AUTOSYNC=0 LANTIAN_NOW=$LANTIAN_NOW
wait_for "home: the redraw beside the draw it replaced, with the reason" \
    "^    Household redrawn 2030-01-05 \(名册有误\): $FIRST → $NOW$"
tui_quit "q"

done_testing
