#!/bin/sh
# Text a person gives is taken whole or refused, naming the option:
# never signed with a part silently dropped (jansson drops a string that
# is not UTF-8, so a record signed with --notes of bad bytes had no notes
# at all, and a device initialised with such a --name could sign
# nothing after).
set -u
. "$top_srcdir/tests/cli/lib.sh"

BAD=$(printf 'a\377b')
D=$T/data

fails 1 "init with a --name that is not UTF-8 is refused" \
    lt --data "$D" init --name "张$BAD" --badge XY-017 \
    --passphrase-file "$PASSFILE"
err_has "naming the option" "^lantian: --name: not valid UTF-8 text \(byte 5 is not part of a character\)"
check "and no key is made" test ! -e "$D/keys/device.key"
fails 1 "nor with such a --badge" lt --data "$D" init --name 张伟 \
    --badge "XY$BAD" --passphrase-file "$PASSFILE"
err_has "naming it" "^lantian: --badge: not valid UTF-8"

lt_init "$D"
lt_sites "$D"
answers gas "$GAS_BOILER"
fails 1 "inspect with --notes that are not UTF-8 is refused" \
    lt --data "$D" inspect --site XY-E-101 --form boiler --answers "$A" \
    --ack-name 赵厂长 --ack-role 负责人 \
    --notes "noted $BAD" --passphrase-file "$PASSFILE"
err_has "naming the option" "^lantian: --notes: not valid UTF-8 text \(byte 8 "
is "nothing is signed" "$(lt_count "$D")" 0
printf 'x' >"$T/photo$BAD.jpg"
fails 1 "an --attach whose name is not UTF-8 is refused" \
    lt --data "$D" inspect --site XY-E-101 --form boiler --answers "$A" \
    --ack-name 赵厂长 --ack-role 负责人 \
    --attach "$T/photo$BAD.jpg" --passphrase-file "$PASSFILE"
err_has "naming the option" "^lantian: --attach: not valid UTF-8"
is "nothing is signed" "$(lt_count "$D")" 0
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --notes "好的 notes"
ok "good UTF-8 notes are signed whole" lt --data "$D" records show "$ID" --raw
out_has "with the notes" '"notes": ?"好的 notes"'
fails 1 "an amendment whose reply is not UTF-8 is refused" \
    lt --data "$D" amend "$ID" --reply "ok $BAD" --passphrase-file "$PASSFILE"
err_has "saying so" "not valid UTF-8"
is "nothing more is signed" "$(lt_count "$D")" 1

O=$T/office
setup "office init" lt --data "$O" office init --passphrase-file "$PASSFILE"
fails 1 "roster add with a --name that is not UTF-8 is refused" \
    lt --data "$O" roster add "$D/keys/device.pub" --name "王$BAD" \
    --badge XY-017 --passphrase-file "$PASSFILE"
err_has "naming the option" "^lantian: --name: not valid UTF-8"

done_testing
