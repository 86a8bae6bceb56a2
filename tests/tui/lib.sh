# The TUI's tests: lantian in a terminal of tmux, driven by keys, read
# from the screen (POSIX sh, TAP).
#
# Sourced by every tests/tui/*.sh after tests/cli/lib.sh's setting (it
# sources that library: ok, check, is, json, lt_init, lt_sites ... all
# work here).  Each test file has its own tmux server (-L lt<pid>-<n>,
# -f /dev/null), a new one for every tui_start, all killed on exit.
#
#   tui_start DIR [LANG [VAR=VALUE...]]
#                       lantian --data DIR in an 80x24 terminal, in LANG
#                       (en, zh); stderr to $T/tui.err, its pid in
#                       $T/tui.pid; "EXITED <status>" shows when it ends
#   keys KEY...         tmux send-keys (names: Enter Escape F2 C-t BSpace)
#   type_text TEXT      the characters of TEXT, typed (Chinese too)
#   grab                the screen now into $T/screen
#   wait_for DESC ERE   a check: the screen shows ERE (grep -E) within
#                       $TUI_WAIT seconds (polled every 0.05 s, and only
#                       once two grabs agree; the limit only keeps a
#                       broken test from hanging)
#   wait_gone DESC ERE  a check: ERE is no longer on the screen
#                       (after a failed wait, the test is off its path:
#                       the waits after it give up after 2 seconds)
#   screen_has DESC ERE / screen_lacks DESC ERE
#                       the same as wait_for / wait_gone (a step's screen
#                       may still be being painted)
#   selection, sel_is DESC ERE
#                       the highlighted text; a check that it shows ERE
#   wait_sql DESC DIR QUERY WANT
#                       a check: the store comes to hold what is typed
#   zh MSGID [ARG...]   the Chinese of a UI text (po/zh_CN.po), an ERE
#   row N               row N (0-based) of the screen last grabbed
#   tui_quit DESC       q, and the program ends with status 0
#   tui_kill9           kill -9 the program (no check); waits for its end
#   tui_resize COLS LINES
#   sql DIR QUERY       sqlite3 on DIR/lantian.db
#
# A test never sleeps to see what happens: it waits for what should show.

. "$top_srcdir/tests/cli/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed (tools/deps.sh installs it)"
	exit 0
fi

# Seconds at most for the screen to show what it should (ASan is slow).
: "${TUI_WAIT:=30}"
TUI_SERVERS=
TUI_N=0
TUI_SOCK=

tui_cleanup() {
	for _s in $TUI_SERVERS; do
		tmux -L "$_s" kill-server >/dev/null 2>&1
	done
	TUI_SERVERS=
}
trap 'tui_cleanup; rm -rf "$T"' EXIT
# Killed by a closed pipe too: no tmux server is left behind.
trap 'exit 1' HUP INT TERM PIPE

# Quote a word for sh.
_tui_q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

tui_start() {
	_tdir=$1
	_tlang=${2:-en}
	if [ $# -ge 2 ]; then shift 2; else shift $#; fi
	tui_stop
	TUI_N=$((TUI_N + 1))
	TUI_SOCK=lt$$-$TUI_N
	TUI_SERVERS="$TUI_SERVERS $TUI_SOCK"
	rm -f "$T/tui.pid" "$T/screen"
	: >"$T/tui.err"
	{
		echo 'unset LANTIAN_THEME NO_COLOR LANTIAN_NOW LANTIAN_IMPORT_DIR LC_ALL LANGUAGE LC_MESSAGES'
		echo "export LANG=C.UTF-8 LANTIAN_LANG=$(_tui_q "$_tlang")"
		for _v in HOME XDG_DATA_HOME LANTIAN_FORMS_DIR LANTIAN_LOCALEDIR \
		    ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
			eval "_val=\${$_v-}"
			[ -n "$_val" ] && echo "export $_v=$(_tui_q "$_val")"
		done
		for _v in "$@"; do
			echo "export $(_tui_q "$_v")"
		done
		printf 'sh -c %s %s %s --data %s 2>>%s\n' \
		    "$(_tui_q 'echo $$ >"$0"; exec "$@"')" \
		    "$(_tui_q "$T/tui.pid")" "$(_tui_q "$LANTIAN")" \
		    "$(_tui_q "$_tdir")" "$(_tui_q "$T/tui.err")"
		# The terminal as a killed program left it: sane, cleared.
		echo 'rc=$?; stty sane 2>/dev/null; printf '"'"'\033[H\033[2J'"'"
		echo 'echo "EXITED $rc"'
		echo 'exec sleep 100000'
	} >"$T/tui-run.sh"
	tmux -L "$TUI_SOCK" -f /dev/null new-session -d -x 80 -y 24 \
	    "sh $(_tui_q "$T/tui-run.sh")"
}

# End the program and its terminal (no check).
tui_stop() {
	if [ -n "$TUI_SOCK" ]; then
		tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1
		TUI_SOCK=
	fi
}

keys() {
	tmux -L "$TUI_SOCK" send-keys "$@"
}

type_text() {
	tmux -L "$TUI_SOCK" send-keys -l -- "$1"
}

grab() {
	tmux -L "$TUI_SOCK" capture-pane -p >"$T/screen" 2>/dev/null ||
	    : >"$T/screen"
}

# The screen with its attributes (SGR sequences) into $T/screen-e.
grab_e() {
	tmux -L "$TUI_SOCK" capture-pane -p -e >"$T/screen-e" 2>/dev/null ||
	    : >"$T/screen-e"
}

# The text of the selection (the colour theme's black on yellow), each
# selected row on a line, spaces squeezed: what a person sees highlighted.
selection() {
	grab_e
	python3 -c 'import re, sys
bg = None
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    out = ""
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
        if m.group(2) is not None:
            if bg == 43:
                out += m.group(2)
            continue
        codes = [int(c) if c else 0 for c in m.group(1).split(";")]
        for c in codes:
            if c == 0 or c == 49:
                bg = None
            elif 40 <= c <= 47:
                bg = c
    out = " ".join(out.split())
    if out:
        print(out)' "$T/screen-e"
}

# sel_is DESC ERE: a check: the selection shows ERE (waits for it).
sel_is() {
	_i=0
	: >"$T/sel.prev"
	while :; do
		selection >"$T/sel"
		grep -q -E -e "$2" "$T/sel" && cmp -s "$T/sel" "$T/sel.prev" &&
		    break
		cp "$T/sel" "$T/sel.prev"
		_i=$((_i + 1))
		if [ "$_i" -ge $((TUI_WAIT * 10)) ]; then
			fail "$1" "the selection is not /$2/"
			echo "# --- the selection:"
			sed 's/^/#   |/' "$T/sel"
			TUI_WAIT=2
			return 0
		fi
		sleep 0.1
	done
	pass "$1"
}

row() {
	sed -n "$(($1 + 1))p" "$T/screen"
}

_tui_diag() {
	echo "# --- the screen:"
	sed 's/^/#   |/' "$T/screen"
	_diag_file "lantian's stderr" "$T/tui.err"
}

# _tui_wait ERE [gone]: 0 once the screen shows ERE (or no longer does)
# and is the same in two grabs in a row: curses may be half-way through
# painting it, and what is checked next must be the whole screen.
_tui_wait() {
	_i=0
	_lim=$((TUI_WAIT * 20))
	while :; do
		[ -f "$T/screen" ] && mv -f "$T/screen" "$T/screen.prev"
		grab
		if grep -q -E -e "$1" "$T/screen"; then
			[ $# -lt 2 ] && cmp -s "$T/screen" "$T/screen.prev" &&
			    return 0
		else
			[ $# -ge 2 ] && cmp -s "$T/screen" "$T/screen.prev" &&
			    return 0
			# The program ended: nothing more will come.
			grep -q '^EXITED [0-9]' "$T/screen" && return 1
		fi
		_i=$((_i + 1))
		[ "$_i" -ge "$_lim" ] && return 1
		sleep 0.05
	done
}

# Once a wait failed, the test is off its path: the waits after it are
# short, so that a broken screen fails a test file in seconds, not hours.
_tui_lost() {
	TUI_WAIT=2
	_tui_diag
}

wait_for() {
	if _tui_wait "$2"; then
		pass "$1"
	else
		fail "$1" "the screen does not show /$2/"
		_tui_lost
	fi
}

wait_gone() {
	if _tui_wait "$2" gone; then
		pass "$1"
	else
		fail "$1" "the screen still shows /$2/"
		_tui_lost
	fi
}

# Checks of the screen as it is now (after a wait_for that saw the step
# done): they wait too, for the rest of the screen being painted.
screen_has() {
	wait_for "$@"
}

screen_lacks() {
	wait_gone "$@"
}

# q on a screen that takes it; the program ends with status 0 and no
# sanitizer report.
tui_quit() {
	keys q
	if ! _tui_wait '^EXITED [0-9]+'; then
		fail "$1" "it did not end"
		_tui_lost
	elif ! grep -q '^EXITED 0$' "$T/screen"; then
		fail "$1" "exit status: $(sed -n 's/^EXITED //p' "$T/screen")"
		_tui_diag
	elif grep -q -E 'AddressSanitizer|LeakSanitizer|runtime error:' \
	    "$T/tui.err"; then
		fail "$1" "sanitizer report"
		_tui_diag
	else
		pass "$1"
	fi
}

# The process, killed as a battery dies; waits until it is gone.
tui_kill9() {
	if [ -s "$T/tui.pid" ]; then
		kill -9 "$(cat "$T/tui.pid")" 2>/dev/null
	fi
	_tui_wait '^EXITED [0-9]+' >/dev/null
}

tui_resize() {
	tmux -L "$TUI_SOCK" resize-window -x "$1" -y "$2"
}

# No sanitizer said anything so far (a check).
tui_clean() {
	if grep -q -E 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' \
	    "$T/tui.err"; then
		fail "$1" "sanitizer report"
		_diag_file "lantian's stderr" "$T/tui.err"
	else
		pass "$1"
	fi
}

sql() {
	sqlite3 "$1/lantian.db" "$2"
}

# wait_sql DESC DIR QUERY WANT: a check: the query's result becomes WANT
# (what the program saves when typing pauses) within $TUI_WAIT seconds.
wait_sql() {
	_i=0
	while :; do
		_got=$(sqlite3 "$2/lantian.db" "$3" 2>/dev/null)
		[ "$_got" = "$4" ] && break
		_i=$((_i + 1))
		if [ "$_i" -ge $((TUI_WAIT * 10)) ]; then
			fail "$1"
			echo "#   got:  '$_got'"
			echo "#   want: '$4'"
			TUI_WAIT=2
			return 0
		fi
		sleep 0.1
	done
	pass "$1"
}

# zh MSGID [ARG...]: the Chinese of an English UI text, from po/zh_CN.po,
# as an ERE matching it exactly, its printf conversions filled with the
# ARGs (EREs themselves);
# an ERE that matches nothing when the text has no translation (the
# English on the screen must not pass for Chinese).
zh() {
	python3 - "$top_srcdir/po/zh_CN.po" "$@" <<'EOF'
import re, sys
po, msgid, args = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(po, encoding="utf-8").read()
def unq(parts):
    s = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', parts))
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1),
        m.group(1)), s)
found = None
for block in re.split(r'\n\s*\n', text):
    if re.search(r'^#,.*\bfuzzy\b', block, re.M):
        continue
    m = re.search(r'^msgid ((?:".*"\n?)+)(?:msgid_plural (?:".*"\n?)+)?'
        r'msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
    if m and unq(m.group(1)) == msgid and unq(m.group(2)):
        found = unq(m.group(2))
if found is None:
    print("NO CHINESE FOR: " + re.sub(r'[][.()*+?{}|^$\\]', ".", msgid)
        + "\x01")
    sys.exit(0)
esc = lambda t: re.sub(r'([][.()*+?{}|^$\\])', r'\\\1', t)
out, i = "", 0
for j, piece in enumerate(re.split(r'(%%|%[-0-9.]*(?:ll|l|z|h)?[dsuifx])',
        found)):
    if j % 2 == 0:
        out += esc(piece)
    elif piece == "%%":
        out += "%"
    else:
        out += args[i] if i < len(args) else "."
        i += 1
print(out)
EOF
}

# Every line of the screen last grabbed is at most COLS columns wide
# (Chinese counted as two): prints the lines that are not.
too_wide() {
	python3 -c 'import sys, unicodedata
cols = int(sys.argv[1])
for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    line = line.rstrip("\n")
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in line)
    if w > cols:
        print("%d: %d columns: %s" % (n, w, line))' "$1" "$T/screen"
}

# The column (0-based, Chinese two columns) where the first S of row N of
# the last screen starts, or -1.
col_of() {
	python3 -c 'import sys, unicodedata
line = open(sys.argv[1], encoding="utf-8").read().split("\n")[int(sys.argv[2])]
i = line.find(sys.argv[3])
print(-1 if i < 0 else sum(2 if unicodedata.east_asian_width(c) in "WF"
    else 1 for c in line[:i]))' "$T/screen" "$1" "$2"
}

# office_and_inspector: an office ($O: 王主任's device key and the office
# key, passphrase in $OFFPASS) and its enrolled inspector ($D: 张伟), with
# three inspections of 2 March 2030 ($R1 a coal boiler, $R2 a gas boiler,
# $R3 a household) carried to the office by a stick ($STICK, the
# inspector's remote "stick").  LANTIAN_NOW is left at the last of them.
office_and_inspector() {
	O=$T/office
	D=$T/device
	STICK=$T/stick.git
	OFFPASS=$T/office-passphrase
	printf 'the office 办公室 key\n' >"$OFFPASS"
	LANTIAN_NOW=2030-03-01T08:00:00Z
	export LANTIAN_NOW
	setup "office: device key" lt --data "$O" init --name 王主任 \
	    --badge XY-001 --passphrase-file "$PASSFILE"
	setup "office: office key" lt --data "$O" office init \
	    --passphrase-file "$OFFPASS"
	lt_sites "$O"
	setup "the inspector" lt --data "$D" init --name 张伟 --badge XY-017 \
	    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
	lt_sites "$D"
	setup "enrol the inspector" lt --data "$O" roster add \
	    "$D/keys/device.pub" --name 张伟 --badge XY-017 --from 2020-01-01 \
	    --passphrase-file "$OFFPASS"
	LANTIAN_NOW=2030-03-02T08:00:00Z
	lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER"
	R1=$ID
	LANTIAN_NOW=2030-03-02T09:00:00Z
	lt_inspect "$D" XY-E-102 boiler "$GAS_BOILER" --any-kind
	R2=$ID
	LANTIAN_NOW=2030-03-02T10:00:00Z
	lt_inspect "$D" XY-H-101 coal-ban "$COAL_BAN"
	R3=$ID
	setup "the stick" lt --data "$D" remote add stick "$STICK" --create
	setup "the inspector syncs" lt --data "$D" sync stick
	setup "the office syncs" lt --data "$O" sync "$STICK"
}

# accept_one DESC: in the review queue, mark the selected record and
# accept it with the office's passphrase (of office_and_inspector).
accept_one() {
	keys Space
	wait_for "Space marks it" '1 marked \(A accepts them\)'
	keys A
	wait_for "A: the office's passphrase" \
	    "The office's passphrase signs the decision"
	type_text 'the office 办公室 key'
	keys Enter
	wait_for "$1" \
	    'Record [0-9a-f]{12} accepted; the decision goes out with the next sync'
}
