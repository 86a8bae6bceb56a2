#!/bin/sh
# What the office may not sign, however it is asked: the office key on
# its own roster, a revocation before the entry is valid, a second live
# key of one badge, and a key re-dated without a word.
set -u
. "$top_srcdir/tests/cli/lib.sh"

O=$T/office
A=$T/a
B=$T/b
OPASS=$T/office-pass
printf 'the office key\n' >"$OPASS"
setup "office init" lt --data "$O" office init --passphrase-file "$OPASS"
lt_init "$A"
setup "init b" lt --data "$B" init --name 李娜 --badge XY-021 \
    --passphrase-file "$PASSFILE"
KA=$(lt_keyid "$A")
KB=$(lt_keyid "$B")
KO=$(sed -n '1s/^untrusted comment: minisign public key //p' "$O/keys/office.pub")

fails 1 "the office key is never enrolled" lt --data "$O" roster add \
    "$O/keys/office.pub" --name 办公室 --badge OFF-1 \
    --passphrase-file "$OPASS"
err_has "saying why" "key $KO is the office key: it signs the roster and is never on it"

ok "A is enrolled from 2020-01-01" lt --data "$O" roster add \
    "$A/keys/device.pub" --name 张伟 --badge XY-017 --from 2020-01-01 \
    --passphrase-file "$OPASS"
fails 1 "enrolled again with another --from: refused" lt --data "$O" \
    roster add "$A/keys/device.pub" --name 张伟 --badge XY-017 \
    --from 2029-06-01 --passphrase-file "$OPASS"
err_has "saying what it would change" \
    "key $KA is on the roster from 2020-01-01T00:00:00Z: giving it 2029-06-01T00:00:00Z would change .*--redate"
ok "roster list" lt --data "$O" roster list --json
is "the entry keeps its date" \
    "$(json '[e["valid_from"] for e in d if e["key_id"] == a[0]][0]' "$KA" <"$T/out")" \
    2020-01-01T00:00:00Z
ok "a new name without --from keeps the date" lt --data "$O" roster add \
    "$A/keys/device.pub" --name 张伟伟 --badge XY-017 \
    --passphrase-file "$OPASS"
ok "--redate says it on purpose" lt --data "$O" roster add \
    "$A/keys/device.pub" --name 张伟 --badge XY-017 --from 2021-01-01 \
    --redate --passphrase-file "$OPASS"
out_has "and it is done" "valid from 2021-01-01T00:00:00Z"

fails 1 "a second live key with A's badge is refused" lt --data "$O" \
    roster add "$B/keys/device.pub" --name 李娜 --badge XY-017 \
    --passphrase-file "$OPASS"
err_has "naming the key that holds it" \
    "badge XY-017 is on the roster already, of key $KA \(张伟\): one badge, one live key"
ok "another badge is fine" lt --data "$O" roster add "$B/keys/device.pub" \
    --name 李娜 --badge XY-021 --from 2022-01-01 --passphrase-file "$OPASS"

fails 1 "a revocation before the entry is valid is refused" lt --data "$O" \
    roster revoke "$KB" --at 2021-06-01 --passphrase-file "$OPASS"
err_has "saying so" "key $KB: revoked at 2021-06-01T00:00:00Z, before its entry is valid \(from 2022-01-01T00:00:00Z\)"
ok "a revocation after it is taken" lt --data "$O" roster revoke "$KA" \
    --at 2030-01-01 --passphrase-file "$OPASS"
ok "a revoked key's badge is free again (a device replaced)" \
    lt --data "$O" roster add "$B/keys/device.pub" --name 李娜 \
    --badge XY-017 --passphrase-file "$OPASS"

done_testing
