#!/bin/sh
# The office key in the TUI's memory: kept unlocked while the review queue
# is open (so a supervisor deciding forty records types the passphrase
# once), and wiped by the idle lock (LANTIAN_IDLE_LOCK seconds without a
# key): the message line says so, and the next decision asks for the
# passphrase again.  The TUI's whole memory, read through /proc/PID/mem
# as a core file would hold it, is searched for the office's secret key
# (seed followed by its public key, the seed checked with openssl to
# derive that public key): found while unlocked (the search finds what is
# there), gone after the idle lock.
set -u
. "$top_srcdir/tests/tui/lib.sh"

office_and_inspector

# keyscan PID: how many copies of the office's secret key are in the
# memory of PID ("unreadable" when this user may not read it).
keyscan() {
	python3 - "$1" "$O/keys/office.pub" <<'EOF'
import base64, re, subprocess, sys
pid, pubfile = sys.argv[1], sys.argv[2]
pk = base64.b64decode(open(pubfile).read().splitlines()[1])[10:42]
der = bytes.fromhex("302e020100300506032b657004220420")
def derives(seed):
    out = subprocess.run(["openssl", "pkey", "-inform", "DER", "-pubout",
        "-outform", "DER"], input=der + seed, capture_output=True).stdout
    return out[-32:] == pk
try:
    mem = open("/proc/%s/mem" % pid, "rb", buffering=0)
except OSError:
    print("unreadable")
    sys.exit(0)
found = 0
for line in open("/proc/%s/maps" % pid):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
    lo, hi, perms = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    if perms[0] != "r" or "[vvar]" in line or hi - lo > 1 << 30:
        continue
    try:
        mem.seek(lo)
        data = mem.read(hi - lo)
    except OSError:
        continue
    i = data.find(pk, 32)
    while i >= 0:
        if derives(data[i - 32:i]):
            found += 1
        i = data.find(pk, i + 1)
print(found)
EOF
}

tui_start "$O" en LANTIAN_NOW=2030-03-03T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0 \
    LANTIAN_IDLE_LOCK=4
wait_for "home" 'Drafts in progress'
PID=$(cat "$T/tui.pid")
is "before any decision, no office key in the TUI's memory" \
    "$(keyscan "$PID")" 0
keys v
wait_for "v: the review queue" 'Review: waiting for a decision'
accept_one "accepted"
N=$(keyscan "$PID")
if [ "$N" = unreadable ]; then
	skip "the office key is in the TUI's memory while the queue is open" \
	    "this user may not read /proc/$PID/mem (dumpable 0)"
else
	check "the office key is in the TUI's memory while the queue is open (the search finds it: $N)" \
	    test "$N" -ge 1
fi
wait_for "after 4 s without a key, the idle lock says so" \
    'Office key locked after 4 s idle; the next decision asks for its passphrase\.'
is "and the office key is nowhere in the TUI's memory" "$(keyscan "$PID")" 0
accept_one "the passphrase asked again, and accepted with it"
keys Escape
wait_for "Esc closes the queue" 'Drafts in progress'
is "the queue closed: no office key in memory" "$(keyscan "$PID")" 0
tui_quit "the TUI quits with status 0"
is "two records accepted" \
    "$(lt --data "$O" review list --state accepted --json | json 'len(d)')" 2

done_testing
