# A small TAP library for lantian's command-line tests (POSIX sh).
#
# Sourced by every tests/cli/*.sh.  The environment names what to test:
#   LANTIAN            the program
#   LANTIAN_FORMS_DIR  the shipped forms (forms/)
#   TESTDATA           tests/data
#   top_srcdir         the source tree
#
# Every test runs in its own temporary directory $T (removed on exit), with
# HOME and XDG_DATA_HOME inside it, so nothing touches the real home.
#
#   run CMD...            run, stdout to $T/out, stderr to $T/err, status $RC
#   ok DESC CMD...        run, expect exit 0
#   fails N DESC CMD...   run, expect exit status N exactly
#   check DESC CMD...     a check of its own (grep, test ...), not captured;
#                         on failure the last run's output is shown
#   out_has DESC ERE      the last run's stdout matches ERE (grep -E)
#   err_has DESC ERE      the last run's stderr matches ERE
#   out_has_fixed DESC S  the last run's stdout has a line containing S
#   is DESC GOT WANT      equal strings
#   pass DESC | fail DESC [WHY] | skip DESC WHY
#   done_testing          the plan (1..N), last
#
# Sanitizer reports (ASan, UBSan) on stderr fail ok/fails whatever the
# exit status, since ASan's own exit status is 1, a legitimate "failed".

set -u

: "${LANTIAN:?LANTIAN must name the lantian binary}"
: "${TESTDATA:?TESTDATA must name tests/data}"
: "${top_srcdir:?top_srcdir must name the source tree}"
: "${LANTIAN_FORMS_DIR:=$top_srcdir/forms}"
export LANTIAN_FORMS_DIR

T=$(mktemp -d "${TMPDIR:-/tmp}/lantian-cli.XXXXXX") || {
	echo "Bail out! cannot make a temporary directory"
	exit 1
}
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

HOME=$T/home
XDG_DATA_HOME=$T/xdg
mkdir -p "$HOME" "$XDG_DATA_HOME"
export HOME XDG_DATA_HOME
unset LANTIAN_HOME LANTIAN_NOW LANTIAN_LANG LANGUAGE LC_ALL LC_MESSAGES
LANG=C.UTF-8
export LANG

# The passphrase of every data dir made by lt_init (a Chinese word in it).
PASSFILE=$T/passphrase
printf 'correct horse 蓝天 staple\n' >"$PASSFILE"
WRONGPASS=$T/wrong-passphrase
printf 'not the passphrase\n' >"$WRONGPASS"

_n=0
_ac=0
_failed=0
RC=0
ID=

_diag_file() {
	# $1 label, $2 file
	if [ -s "$2" ]; then
		echo "# --- $1:"
		head -c 4000 "$2" | sed 's/^/#   /'
		echo
	fi
}

_diag_last() {
	echo "#   command: ${_last_cmd-}"
	echo "#   exit status: $RC"
	_diag_file stdout "$T/out"
	_diag_file stderr "$T/err"
}

pass() {
	_n=$((_n + 1))
	echo "ok $_n - $1"
}

fail() {
	_n=$((_n + 1))
	_failed=$((_failed + 1))
	echo "not ok $_n - $1"
	[ $# -gt 1 ] && echo "#   $2"
	return 0
}

skip() {
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}

_sanitizer() {
	grep -q -E 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' \
	    "$T/err" 2>/dev/null
}

run() {
	_last_cmd="$*"
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	return 0
}

# run with standard input from a file: run_in FILE CMD...
run_in() {
	_in=$1
	shift
	_last_cmd="$* < $_in"
	"$@" <"$_in" >"$T/out" 2>"$T/err"
	RC=$?
	return 0
}

_judge() {
	# $1 desc, $2 wanted status
	if _sanitizer; then
		fail "$1" "sanitizer report"
		_diag_last
	elif [ "$RC" -eq "$2" ]; then
		pass "$1"
	else
		fail "$1" "expected exit status $2, got $RC"
		_diag_last
	fi
}

ok() {
	_d=$1
	shift
	run "$@"
	_judge "$_d" 0
}

fails() {
	_want=$1
	_d=$2
	shift 2
	run "$@"
	_judge "$_d" "$_want"
}

check() {
	_d=$1
	shift
	if "$@" >/dev/null 2>&1; then
		pass "$_d"
	else
		fail "$_d" "check failed: $*"
		_diag_last
	fi
}

out_has() {
	if grep -q -E -e "$2" "$T/out"; then
		pass "$1"
	else
		fail "$1" "stdout does not match /$2/"
		_diag_last
	fi
}

err_has() {
	if grep -q -E -e "$2" "$T/err"; then
		pass "$1"
	else
		fail "$1" "stderr does not match /$2/"
		_diag_last
	fi
}

# out_has_fixed DESC STRING: the last run's stdout has a line with STRING.
out_has_fixed() {
	if grep -q -F -e "$2" "$T/out"; then
		pass "$1"
	else
		fail "$1" "stdout has no line with '$2'"
		_diag_last
	fi
}

is() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   got:  '$2'"
		echo "#   want: '$3'"
	fi
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -gt 0 ] && echo "# $_failed of $_n checks failed"
	exit 0
}

# Setup steps that are not checks of their own: silent when they work, a
# failed check when they do not (so the plan still shows it).
setup() {
	_d=$1
	shift
	run "$@"
	if [ "$RC" -ne 0 ] || _sanitizer; then
		fail "setup: $_d"
		_diag_last
		return 1
	fi
	return 0
}

# lantian itself.
lt() {
	"$LANTIAN" "$@"
}

# lt_init DIR: an initialised data dir (inspector 张伟, badge XY-017).
lt_init() {
	setup "init $1" "$LANTIAN" --data "$1" init --name 张伟 \
	    --badge XY-017 --passphrase-file "$PASSFILE"
}

# lt_office_init DIR: an initialised data dir (张伟, XY-017) that is its
# own office: office key (the same passphrase) and itself on its roster,
# so its records are verified.
lt_office_init() {
	lt_init "$1" &&
	setup "office init $1" "$LANTIAN" --data "$1" office init \
	    --passphrase-file "$PASSFILE" &&
	setup "enrol itself in $1" "$LANTIAN" --data "$1" roster add \
	    "$1/keys/device.pub" --name 张伟 --badge XY-017 --from 2020-01-01 \
	    --passphrase-file "$PASSFILE"
}

# lt_sites DIR [CSV [N]]: import the test sites (tests/data/cli/sites.csv,
# 6 of them).  When lantian's import does not take them all, that is a
# failed check, and the sites go into the store directly so that the
# checks that need them still test what they are about.
SITES_CSV=$TESTDATA/cli/sites.csv
NSITES=6
lt_sites() {
	_csv=${2:-$SITES_CSV}
	_nsites=${3:-$NSITES}
	setup "sites import into $1" "$LANTIAN" --data "$1" sites import \
	    "$_csv" || { sites_fallback "$1" "$_csv"; return 1; }
	if ! grep -q "^$_nsites site(s) imported" "$T/out"; then
		fail "setup: sites import of $(basename "$_csv") reads all $_nsites sites"
		_diag_last
		sites_fallback "$1" "$_csv"
		return 1
	fi
	return 0
}

# sites_fallback DIR CSV: the sites of CSV into the store, without lantian.
sites_fallback() {
	python3 - "$1/lantian.db" "$2" <<'EOF'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        db.execute("INSERT OR REPLACE INTO sites (id, name, village, kind, "
            "address) VALUES (?, ?, ?, ?, ?)", (r["id"], r["name"],
            r["village"], r["kind"], r.get("address") or None))
db.commit()
EOF
}

# The device key id of DIR (from keys/device.pub).
lt_keyid() {
	sed -n '1s/^untrusted comment: minisign public key //p' \
	    "$1/keys/device.pub"
}

# answers NAME JSON: write an answers file; its path in $A.
answers() {
	A=$T/$1.json
	printf '%s\n' "$2" >"$A"
}

# Complete answers for the shipped forms: a gas boiler with nothing to
# find, a small coal boiler (coal-le35 fires: task 11), a household with
# clean heating and no coal.
GAS_BOILER='{"fuel": "gas", "use": "heating", "capacity_tph": 12, "status": "running", "low_nox": true, "fgr_valve": "electric", "auto_monitoring": "networked"}'
COAL_BOILER='{"fuel": "coal", "use": "production", "capacity_tph": 4, "status": "running"}'
COAL_BAN='{"in_ban_zone": true, "loose_coal": ["none"], "substituted": true, "heating": "electric"}'

# lt_inspect DIR SITE FORM ANSWERS-JSON [OPTION...]: sign an inspection
# (acknowledged by 赵厂长, 负责人, unless an OPTION says --ack-...);
# its id in $ID (empty, and a failed check, when it did not work).
lt_inspect() {
	_dir=$1 _site=$2 _form=$3
	_ac=$((_ac + 1))
	answers "inspect-$_ac" "$4"
	shift 4
	case " $* " in
	*" --ack-"*) ;;
	*) set -- --ack-name 赵厂长 --ack-role 负责人 "$@" ;;
	esac
	ID=
	if setup "inspect $_site $_form" "$LANTIAN" --data "$_dir" inspect \
	    --site "$_site" --form "$_form" --answers "$A" \
	    --passphrase-file "$PASSFILE" "$@"; then
		ID=$(head -n 1 "$T/out")
		return 0
	fi
	return 1
}

# json EXPR [ARG...]: evaluate a Python expression over the JSON on
# standard input (bound to d; the ARGs in a); print the result: strings and
# numbers as they are, anything else as JSON.
json() {
	python3 -c 'import json, sys
try:
    d = json.load(sys.stdin)
    a = sys.argv[2:]
    r = eval(sys.argv[1])
except Exception as e:
    print("(error: %s: %s)" % (type(e).__name__, e))
    sys.exit(0)
print(r if isinstance(r, (str, int, float)) and not isinstance(r, bool)
    else json.dumps(r, ensure_ascii=False))' "$@"
}

# Count of records in DIR.
lt_count() {
	"$LANTIAN" --data "$1" records list --json 2>/dev/null | json 'len(d)'
}

# The form file of a shipped form id.
form_file() {
	echo "$LANTIAN_FORMS_DIR/$1.json"
}

# Re-seal DIR's device key with the cheapest Argon2id parameters its
# loader takes (the same key, the same passphrase): the tests sign
# hundreds of records, each by a lantian process that unlocks the key.
cheap_key() {
	python3 - "$1/keys/device.key" "$PASSFILE" <<'EOF'
import base64, ctypes, ctypes.util, sys
so = ctypes.CDLL(ctypes.util.find_library("sodium"))
so.sodium_init()
path, pw = sys.argv[1], open(sys.argv[2], "rb").read().rstrip(b"\n")
lines = open(path).read().split("\n")
b = bytearray(base64.b64decode(lines[1]))
assert b[:4] == b"EdA2"
salt, nonce, box = bytes(b[4:20]), bytes(b[36:60]), bytes(b[60:])
def derive(ops, mem):
    k = ctypes.create_string_buffer(32)
    if so.crypto_pwhash(k, ctypes.c_ulonglong(32), pw,
            ctypes.c_ulonglong(len(pw)), salt, ctypes.c_ulonglong(ops),
            ctypes.c_size_t(mem), 2) != 0:
        sys.exit("crypto_pwhash failed")
    return k.raw
plain = ctypes.create_string_buffer(len(box) - 16)
if so.crypto_secretbox_open_easy(plain, box, ctypes.c_ulonglong(len(box)),
        nonce, derive(int.from_bytes(b[20:28], "little"),
        int.from_bytes(b[28:36], "little"))) != 0:
    sys.exit("wrong passphrase")
sealed = ctypes.create_string_buffer(len(box))
so.crypto_secretbox_easy(sealed, plain.raw, ctypes.c_ulonglong(len(plain.raw)),
    nonce, derive(1, 8192))
b[20:28] = (1).to_bytes(8, "little")
b[28:36] = (8192).to_bytes(8, "little")
b[60:] = sealed.raw
lines[1] = base64.b64encode(bytes(b)).decode()
open(path, "w").write("\n".join(lines))
EOF
}
