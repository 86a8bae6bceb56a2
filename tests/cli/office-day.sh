#!/bin/sh
# The office's and the inspector's day on the command line, without the
# traps of issue 18:
#   14  lantian inspect signs only with the site representative's
#       acknowledgment (or a witnessed refusal): the TUI's rule and words;
# and more below, each under its number.
. "$top_srcdir/tests/cli/lib.sh"

D=$T/d
lt_init "$D"
lt_sites "$D"
answers gas "$GAS_BOILER"
GAS=$A
count() { lt_count "$D"; }

# 14: no acknowledgment, no record; the TUI's message; no passphrase asked.
N=$(count)
fails 2 "14: inspect without an acknowledgment is refused" lt --data "$D" \
    inspect --site XY-E-101 --form boiler --answers "$GAS" \
    --passphrase-file "$WRONGPASS"
err_has "14: in the TUI's words" \
    "^lantian: inspect: acknowledgment: First the site representative's acknowledgment \(or refusal to sign\)\."
err_has "14: naming the options" "--ack-name N --ack-role R, or --ack-refused --ack-witness W"
check "14: before the passphrase (a wrong one is not even tried)" \
    sh -c "! grep -q 'wrong passphrase' '$T/err'"
is "14: no record is created" "$(count)" "$N"
fails 2 "14: a name without a role is refused" lt --data "$D" inspect \
    --site XY-E-101 --form boiler --answers "$GAS" --ack-name 赵厂长 \
    --ack-role "" --passphrase-file "$PASSFILE"
err_has "14: as the TUI says it" \
    "acknowledgment: The representative's name and role are both needed \(or mark the refusal\)\."
fails 2 "14: a refusal without a witness is refused" lt --data "$D" inspect \
    --site XY-E-101 --form boiler --answers "$GAS" --ack-refused \
    --passphrase-file "$PASSFILE"
err_has "14: as the TUI says it" "acknowledgment: A refusal needs a witness\."
is "14: still no record" "$(count)" "$N"
ok "14: a witnessed refusal signs" lt --data "$D" inspect --site XY-E-101 \
    --form boiler --answers "$GAS" --ack-refused --ack-witness 王村长 \
    --passphrase-file "$PASSFILE"
lt --data "$D" records show "$(head -n 1 "$T/out")" --raw >"$T/r14.json"
is "14: the record says refused, with the witness" \
    "$(json '[d["acknowledged"]["refused"], d["acknowledged"]["witness"]]' <"$T/r14.json")" \
    '[true, "王村长"]'
ok "14: an acknowledgment signs" lt --data "$D" inspect --site XY-E-101 \
    --form boiler --answers "$GAS" --ack-name 赵厂长 --ack-role 负责人 \
    --passphrase-file "$PASSFILE"
is "14: two records" "$(count)" "$((N + 2))"
check "14: the TUI takes its words from the same rule in core" \
    sh -c "grep -q 'inspect_ack_problem' '$top_srcdir/tui/flow.c' && \
    grep -q 'inspect_ack_problem' '$top_srcdir/tui/screen_ack.c'"

done_testing
