# Shared by the end-to-end sync tests (tests/sync/*.sh but the selftest).
#
# Sources tests/cli/lib.sh (TAP, $T, HOME in $T) and tests/sync/servers.sh
# (real git servers on 127.0.0.1), and adds:
#
#   lts ARG...              lantian with a time limit: a hang is exit 124,
#                           a failed check, never a stuck suite
#   sync_ok DESC DIR REMOTE    lantian sync, expect exit 0 (run's $T/out, err)
#   mk_office DIR           a supervisor's data dir: office init
#   mk_inspector DIR NAME BADGE OFFICE [trust]
#                           an inspector's data dir trusting OFFICE's key
#                           (init --office-key, or with "trust": init, then
#                           office trust), the test sites imported
#   enrol OFFICE DIR NAME BADGE   roster add DIR's key, valid from 2020-01-01
#   inspect DIR [NOTES]     one gas boiler inspection; its id in $ID
#   statuses DIR KEYID      "seq:status ..." of the device's records in DIR
#   nrecords DIR            how many records DIR holds
#   server_ls REPO REF      the paths of REF's tree in the bare repo REPO
#   ssh_unwind on|off       ASan's slow unwinder for the lts calls (ssh
#                           syncs), so that lsan.supp sees what leaks there
#   literal_tree REPO "MODE NAME OID"...  a tree object written as is, in
#                           git's order (any name: what a hostile server
#                           may hold)
#
# Git itself runs without the machine's configuration and never prompts.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/sync/servers.sh"
trap 'srv_stop_all; rm -rf "$T"' EXIT

GIT_CONFIG_NOSYSTEM=1
GIT_TERMINAL_PROMPT=0
GIT_AUTHOR_NAME='A Hostile Server'
GIT_AUTHOR_EMAIL=hostile@example.invalid
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_CONFIG_NOSYSTEM GIT_TERMINAL_PROMPT GIT_AUTHOR_NAME \
    GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
unset GIT_ASKPASS SSH_ASKPASS GIT_SSH GIT_SSH_COMMAND GIT_SSL_NO_VERIFY \
    GIT_SSL_CAINFO GIT_SSL_CAPATH GIT_CONFIG_GLOBAL

# Under ASan: the leaks of libgit2 itself that lantian cannot avoid, those
# of every test (tests/lsan.supp) and those of ssh (tests/sync/lsan.supp)
# in one file, since LeakSanitizer reads one.
cat "$top_srcdir/tests/lsan.supp" "$top_srcdir/tests/sync/lsan.supp" \
    >"$T/lsan.supp" 2>/dev/null
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
_lts_asan=

# ssh_unwind on|off: ASan's slow unwinder (twice as slow) for the lts
# calls that follow (ssh syncs), or not: libgit2 has no frame pointers,
# and only the slow unwinder sees the libgit2 function lsan.supp names.
ssh_unwind() {
	if [ "$1" = on ]; then
		_lts_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
	else
		_lts_asan=
	fi
}

# A fixed clock: records are made after their keys' roster entries.
LANTIAN_NOW=2030-03-01T08:00:00Z
export LANTIAN_NOW

OFFPASS=$T/office-passphrase
printf 'the office 生态环境办公室 key\n' >"$OFFPASS"

lts() {
	if [ -n "$_lts_asan" ]; then
		ASAN_OPTIONS=$_lts_asan timeout 60 "$LANTIAN" "$@"
	else
		timeout 60 "$LANTIAN" "$@"
	fi
}

sync_ok() {
	ok "$1" lts --data "$2" sync "$3"
}

mk_office() {
	setup "office init $1" "$LANTIAN" --data "$1" office init \
	    --passphrase-file "$OFFPASS"
}

mk_inspector() {
	if [ "${5:-}" = trust ]; then
		setup "init $1" "$LANTIAN" --data "$1" init --name "$2" \
		    --badge "$3" --passphrase-file "$PASSFILE" &&
		setup "office trust in $1" "$LANTIAN" --data "$1" office \
		    trust "$4/keys/office.pub"
	else
		setup "init $1" "$LANTIAN" --data "$1" init --name "$2" \
		    --badge "$3" --passphrase-file "$PASSFILE" \
		    --office-key "$4/keys/office.pub"
	fi
	lt_sites "$1"
}

enrol() {
	setup "roster add $3" "$LANTIAN" --data "$1" roster add \
	    "$2/keys/device.pub" --name "$3" --badge "$4" --from 2020-01-01 \
	    --passphrase-file "$OFFPASS"
}

inspect() {
	lt_inspect "$1" XY-E-101 boiler "$GAS_BOILER" --notes "${2:-a visit}"
}

statuses() {
	"$LANTIAN" --data "$1" records list --json 2>/dev/null | json \
	    '" ".join("%d:%s" % (r["seq"], r["status"]) for r in sorted(d, key=lambda r: (r["seq"], r["status"])) if r["device"] == a[0])' \
	    "$2"
}

nrecords() {
	lt_count "$1"
}

server_ls() {
	git --git-dir="$1" ls-tree -r --name-only "$2" 2>&1 | tr '\n' ' ' |
	    sed 's/ $//'
}

literal_tree() {
	_lt_repo=$1
	shift
	python3 - "$_lt_repo" "$@" <<'EOF'
import os, subprocess, sys
entries = []
for e in sys.argv[2:]:
    # As bytes: names that are not UTF-8 come through as they are.
    mode, name, oid = os.fsencode(e).split(b" ", 2)
    # git sorts a tree's entries by name, a subtree's as if it ended in /
    key = name + (b"/" if mode == b"40000" else b"")
    entries.append((key, mode + b" " + name + b"\0" +
        bytes.fromhex(oid.decode())))
data = b"".join(e for _, e in sorted(entries))
p = subprocess.run(["git", "--git-dir", sys.argv[1], "hash-object", "-t",
    "tree", "--literally", "-w", "--stdin"], input=data,
    capture_output=True, check=True)
print(p.stdout.decode().strip())
EOF
}
