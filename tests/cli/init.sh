#!/bin/sh
# lantian init: the data directory and the device key; usage errors.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/data

ok "init creates a data dir" lt --data "$D" init --name 张伟 --badge XY-017 \
    --passphrase-file "$PASSFILE"
KEYID=$(lt_keyid "$D")
out_has "init names the new key id" "device key [0-9A-F]{16} created"
check "init prints the key id of keys/device.pub" \
    grep -q "device key $KEYID created" "$T/out"

# The public key: minisign's two lines.
PUB=$D/keys/device.pub
check "keys/device.pub exists" test -f "$PUB"
is "device.pub has two lines" "$(wc -l <"$PUB" | tr -d ' ')" 2
check "line 1: untrusted comment: minisign public key <16 HEX>" \
    grep -q -x -E 'untrusted comment: minisign public key [0-9A-F]{16}' "$PUB"
L2=$(sed -n 2p "$PUB")
is "line 2 is 56 characters" "${#L2}" 56
# "Ed" then the key id's first byte: RWQ, RWR, RWS or RWT, as minisign's own.
case $L2 in
RW[QRST]*) pass "line 2 starts with RWQ..RWT (base64 of \"Ed\")" ;;
*) fail "line 2 starts with RWQ..RWT (base64 of \"Ed\")" "got $L2" ;;
esac
# "Ed" + key id (8, printed reversed in the comment) + Ed25519 key (32).
is "line 2 decodes to Ed + the key id of the comment + 32 bytes" \
    "$(python3 -c 'import base64, sys
b = base64.b64decode(sys.argv[1], validate=True)
print(len(b), b[:2].decode(), b[2:10][::-1].hex().upper())' "$L2")" \
    "42 Ed $KEYID"

# The secret key: mode 0600 in keys/ 0700, and sealed.
SEC=$D/keys/device.key
check "keys/device.key exists" test -f "$SEC"
is "keys/device.key has mode 600" "$(stat -c %a "$SEC")" 600
is "keys/ has mode 700" "$(stat -c %a "$D/keys")" 700
is "the secret key is not a minisign unencrypted key" \
    "$(python3 -c 'import base64, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
raw = base64.b64decode(lines[1])
print("unencrypted" if raw[:4] == b"Ed\0\0" else "sealed")' "$SEC")" sealed
# The public half of the key is part of the 64-byte secret key: if it shows
# in the file (as is or decoded), the secret key is stored in the clear.
is "the key file holds no part of the key in the clear" \
    "$(python3 -c 'import base64, sys
pk = base64.b64decode(open(sys.argv[1]).read().split("\n")[1])[10:]
f = open(sys.argv[2], "rb").read()
dec = b"".join(base64.b64decode(l) for l in f.split(b"\n")[1:] if l.strip())
print("leak" if pk in f or pk in dec or pk.hex().encode() in f.lower() else "sealed")' \
    "$PUB" "$SEC")" sealed

# A second init refuses and changes nothing.
BEFORE=$(sha256sum "$PUB" "$SEC" "$D/lantian.db")
fails 1 "a second init refuses" lt --data "$D" init --name 李四 \
    --badge XY-099 --passphrase-file "$WRONGPASS"
err_has "it says a key exists already" "^lantian: .*already has a device key"
is "the key files are unchanged" "$(sha256sum "$PUB" "$SEC" "$D/lantian.db")" \
    "$BEFORE"

# The replication repository and the store.
is "repo.git is a bare git repository" \
    "$(git --git-dir "$D/repo.git" rev-parse --is-bare-repository 2>&1)" true
check "lantian.db exists" test -s "$D/lantian.db"
is "the store is in WAL mode" \
    "$(sqlite3 "$D/lantian.db" 'PRAGMA journal_mode')" wal
UV=$(sqlite3 "$D/lantian.db" 'PRAGMA user_version')
check "the store has a schema version (user_version $UV > 0)" \
    test "$UV" -gt 0
is "the store knows the inspector" \
    "$(sqlite3 "$D/lantian.db" "SELECT name || ' ' || badge FROM keys")" \
    "张伟 XY-017"

# The passphrase from standard input.
D2=$T/stdin
printf 'from standard input\n' >"$T/pass2"
run_in "$T/pass2" lt --data "$D2" init --name 王芳 --badge XY-018 \
    --passphrase-file -
_judge "init --passphrase-file - reads standard input" 0
check "it made a key" test -s "$D2/keys/device.key"
lt_sites "$D2"
answers gas "$GAS_BOILER"
fails 1 "that key does not open with another passphrase" \
    lt --data "$D2" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler \
    --answers "$A" --passphrase-file "$PASSFILE"
err_has "it says the passphrase is wrong" "^lantian: .*passphrase"
run_in "$T/pass2" lt --data "$D2" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
    --form boiler --answers "$A" --passphrase-file -
_judge "it opens with the passphrase given on standard input" 0

# A key file from another data dir is never used to sign.
cp "$D/keys/device.key" "$D2/keys/device.key"
N=$(lt_count "$D2")
fails 1 "another data dir's device.key is refused" lt --data "$D2" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-E-101 --form boiler --answers "$A" --passphrase-file "$PASSFILE"
err_has "it says the key files do not match" "^lantian: .*device.key.*match"
is "no record is created" "$(lt_count "$D2")" "$N"

# An empty passphrase is refused.
printf '\n' >"$T/empty"
fails 1 "an empty passphrase is refused" lt --data "$T/empty-pass" init \
    --name 张伟 --badge XY-017 --passphrase-file "$T/empty"
err_has "it says the passphrase is empty" "^lantian: passphrase: empty"
check "no key is left behind" test ! -e "$T/empty-pass/keys/device.key"

# --name and --badge are required (standard input is not a terminal).
run_in /dev/null lt --data "$T/noname" init --badge XY-017 \
    --passphrase-file "$PASSFILE"
_judge "init without --name is a usage error" 2
err_has "the message starts with lantian: and names --name" \
    "^lantian: .*--name"
check "no key is made" test ! -e "$T/noname/keys/device.key"
run_in /dev/null lt --data "$T/nobadge" init --name 张伟 \
    --passphrase-file "$PASSFILE"
_judge "init without --badge is a usage error" 2

# Where the data lives without --data.
LANTIAN_HOME=$T/lh
export LANTIAN_HOME
ok "init without --data uses \$LANTIAN_HOME" lt init --name 张伟 \
    --badge XY-017 --passphrase-file "$PASSFILE"
check "the key is in \$LANTIAN_HOME/keys" test -s "$T/lh/keys/device.pub"
unset LANTIAN_HOME
ok "init without --data or \$LANTIAN_HOME uses \$XDG_DATA_HOME/lantian" \
    lt init --name 张伟 --badge XY-017 --passphrase-file "$PASSFILE"
check "the key is in \$XDG_DATA_HOME/lantian/keys" \
    test -s "$XDG_DATA_HOME/lantian/keys/device.pub"
check "nothing went to ~/.local/share" test ! -e "$HOME/.local/share/lantian"

# Usage errors of the command line as a whole.
fails 2 "an unknown command is a usage error" lt --data "$D" frobnicate
err_has "it names the command" "^lantian: frobnicate: unknown command"
fails 2 "records without a subcommand is a usage error" lt --data "$D" records
err_has "its message starts with lantian:" "^lantian: records"
fails 2 "an unknown option is a usage error" lt --data "$D" records list \
    --frobnicate
err_has "its message starts with lantian:" "^lantian: "
fails 2 "--data without a directory is a usage error" lt verify --data
fails 1 "a command on a missing data dir fails" lt --data "$T/nothing" \
    records list
err_has "it says to run lantian init" "^lantian: .*lantian init"
ok "--help works" lt --help
out_has "--help lists the commands" "lantian inspect"
ok "--version works" lt --version
out_has "--version names the libraries" "SQLite .*libsodium"

done_testing
