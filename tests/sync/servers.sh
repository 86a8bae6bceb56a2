# Real git servers on 127.0.0.1 for the sync tests (POSIX sh, sourced).
#
#   . "$top_srcdir/tests/cli/lib.sh"        # TAP helpers, $T, HOME in $T
#   . "$top_srcdir/tests/sync/servers.sh"
#   trap 'srv_stop_all; rm -rf "$T"' EXIT   # after both: replaces lib.sh's
#
# Sourcing makes $SRV_ROOT (mktemp -d): every repository, key, config, log
# and pid file lives there, and srv_stop_all removes it (unless SRV_KEEP is
# set).  Nothing global is touched but /run/sshd (sshd's privilege
# separation directory, created when root and missing).  Every server
# listens on 127.0.0.1 only, on a port fresh from the kernel, and is
# started in the foreground in the background of the calling shell, its pid
# in $SRV_ROOT/pids/NAME.pid.  Start servers in the test's own shell, never
# inside $(...).
#
# Functions (the srv_* that start something return 0 when it is up, or
# already was: calling one twice keeps the first server; 77 when this
# environment cannot have it (e.g. sshd for a user without a login shell);
# 1 on failure.  $SRV_WHY says why, and the server's log goes to stderr):
#   srv_free_port          print a free port on 127.0.0.1
#   srv_bare NAME          make an empty bare repo $SRV_REPOS/NAME.git (".git"
#                          is added when missing; HEAD -> main), print its path
#   srv_url KIND NAME      the URL of repo NAME: KIND path, file, git, ssh,
#                          http or https (the server must be started)
#   srv_git_daemon         git daemon (export all, receive-pack enabled)
#   srv_sshd               sshd with an ed25519 host key; user keys made here
#   srv_ssh_agent          ssh-agent holding $SRV_SSH_KEY; sets SSH_AUTH_SOCK
#   srv_http, srv_https    lighttpd + git-http-backend, basic auth
#   srv_reject_pushes REPO [MESSAGE]   pre-receive hook refusing every push
#   srv_accept_pushes REPO             remove it
#                          (REPO: a path, or a NAME under $SRV_REPOS)
#   srv_stop NAME          stop one: daemon, sshd, agent, http or https (its
#                          URL variables stay set: an unreachable server)
#   srv_stop_all           stop every server, remove $SRV_ROOT (idempotent)
#
# Variables:
#   SRV_ROOT  SRV_REPOS (the repos, also git daemon's --base-path and
#     GIT_PROJECT_ROOT)  SRV_WHY  SRV_REJECT_MSG
#   git daemon: SRV_GIT_PORT  SRV_GIT_URL_BASE=git://127.0.0.1:PORT
#   sshd: SRV_SSH_PORT  SRV_SSH_USER (whoever runs the tests)
#     SRV_SSH_URL_BASE=ssh://USER@127.0.0.1:PORT (append an absolute path)
#     SRV_SSH_KEY / SRV_SSH_PUB: authorized ed25519 key, no passphrase
#     SRV_SSH_KEY_ENC / SRV_SSH_PUB_ENC / SRV_SSH_KEY_PASS: authorized
#       ed25519 key protected by that passphrase
#     SRV_SSH_BAD_KEY / SRV_SSH_BAD_PUB: an ed25519 key sshd does not accept
#     SRV_SSH_KNOWN_HOSTS: "[127.0.0.1]:PORT ssh-ed25519 ..." (one line)
#     SRV_SSH_HOST_PUB: the host's public key file
#     SRV_SSH_COMMAND: for GIT_SSH_COMMAND (key, known_hosts, strict, batch)
#   ssh-agent: SRV_SSH_AUTH_SOCK (and SSH_AUTH_SOCK)
#   http: SRV_HTTP_PORT  SRV_HTTP_URL_BASE=http://127.0.0.1:PORT/git
#   https: SRV_HTTPS_PORT  SRV_HTTPS_URL_BASE=https://localhost:PORT/git
#     SRV_CA_FILE: the test CA (PEM) that signed the DNS:localhost cert
#   both: SRV_HTTP_USER  SRV_HTTP_PASS (basic auth; URL-safe characters)
#
# Sourcing also unsets what would send loopback traffic elsewhere or use
# the developer's own agent: the *_proxy variables, SSH_AUTH_SOCK,
# SSH_AGENT_PID, GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE.

SRV_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/lantian-srv.XXXXXX") || {
	echo "Bail out! cannot make a temporary directory for the servers"
	exit 1
}
SRV_ROOT=$(cd "$SRV_ROOT" && pwd -P)
SRV_REPOS=$SRV_ROOT/repos
mkdir -p "$SRV_REPOS" "$SRV_ROOT/pids" "$SRV_ROOT/logs"
export SRV_ROOT SRV_REPOS

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset SSH_AUTH_SOCK SSH_AGENT_PID GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

SRV_WHY=''
SRV_REJECT_MSG="lantian-test: this repository refuses every push"
SRV_GIT_PORT='' SRV_GIT_URL_BASE=''
SRV_SSH_PORT='' SRV_SSH_USER='' SRV_SSH_URL_BASE='' SRV_SSH_KEY='' SRV_SSH_PUB=''
SRV_SSH_KEY_ENC='' SRV_SSH_PUB_ENC='' SRV_SSH_KEY_PASS=''
SRV_SSH_BAD_KEY='' SRV_SSH_BAD_PUB='' SRV_SSH_KNOWN_HOSTS='' SRV_SSH_HOST_PUB=''
SRV_SSH_COMMAND='' SRV_SSH_AUTH_SOCK=''
SRV_HTTP_PORT='' SRV_HTTP_URL_BASE='' SRV_HTTPS_PORT='' SRV_HTTPS_URL_BASE=''
SRV_HTTP_USER=inspector SRV_HTTP_PASS=lantian-field-7 SRV_CA_FILE=''
export SRV_REJECT_MSG SRV_HTTP_USER SRV_HTTP_PASS

srv_free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# _srv_alive PID: running (a zombie is not).
_srv_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		_srv_st=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
		[ "$_srv_st" != Z ] && [ "$_srv_st" != X ]
	fi
}

# _srv_kill PID: TERM, then KILL after 2.5 s; reap it when it is our child.
_srv_kill() {
	case $1 in '' | *[!0-9]*) return 0 ;; esac
	if _srv_alive "$1"; then
		kill -TERM "$1" 2>/dev/null
		_srv_i=0
		while _srv_alive "$1" && [ "$_srv_i" -lt 50 ]; do
			sleep 0.05
			_srv_i=$((_srv_i + 1))
		done
		_srv_alive "$1" && kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
	return 0
}

# _srv_wait PID PORT SECONDS: until PID listens on 127.0.0.1:PORT.
# 0 listening, 2 PID died, 3 timeout.  Where /proc/net/tcp is readable the
# listening socket must be PID's own, not some other process's that took
# the port meanwhile.
_srv_wait() {
	python3 - "$@" <<'EOF'
import os, socket, sys, time
pid, port, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
end = time.monotonic() + secs

def alive():
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True

def owned():
    # None: cannot tell; else whether PID holds a LISTEN socket on the port
    want = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as f:
            lines = f.readlines()[1:]
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return None
    inodes = set()
    for l in lines:
        p = l.split()
        if len(p) > 9 and p[1] == want and p[3] == "0A":
            inodes.add("socket:[%s]" % p[9])
    if not inodes:
        return False
    for fd in fds:
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)) in inodes:
                return True
        except OSError:
            pass
    return False

while time.monotonic() < end:
    if not alive():
        sys.exit(2)
    o = owned()
    if o:
        sys.exit(0)
    if o is None:
        s = socket.socket()
        s.settimeout(1)
        try:
            s.connect(("127.0.0.1", port))
            s.close()
            time.sleep(0.05)
            sys.exit(0 if alive() else 2)
        except OSError:
            s.close()
    time.sleep(0.03)
sys.exit(3)
EOF
}

# _srv_log FILE: a server's log, to stderr.
_srv_log() {
	if [ -s "$1" ]; then
		echo "srv: --- $1:" >&2
		tail -n 30 "$1" | sed 's/^/srv:   /' >&2
	fi
}

# _srv_launch NAME PORT OUT CMD...: run CMD in the background (stdin from
# /dev/null, stdout and stderr appended to OUT, no other inherited file
# descriptor below 10), record its pid, wait until it listens on PORT.
# Returns _srv_wait's status; a server that failed is stopped.
_srv_launch() {
	_srv_n=$1 _srv_p=$2 _srv_o=$3
	shift 3
	"$@" </dev/null >>"$_srv_o" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	_srv_pid=$!
	echo "$_srv_pid" >"$SRV_ROOT/pids/$_srv_n.pid"
	_srv_wait "$_srv_pid" "$_srv_p" 10
	_srv_rc=$?
	if [ "$_srv_rc" -ne 0 ]; then
		_srv_kill "$_srv_pid"
		rm -f "$SRV_ROOT/pids/$_srv_n.pid"
	fi
	return "$_srv_rc"
}

# _srv_running NAME: already started (and still alive).
_srv_running() {
	[ -f "$SRV_ROOT/pids/$1.pid" ] && _srv_alive "$(cat "$SRV_ROOT/pids/$1.pid")"
}

# _srv_need PROGRAM...: every one in PATH (else SRV_WHY, status 1).
_srv_need() {
	for _srv_c in "$@"; do
		if ! command -v "$_srv_c" >/dev/null 2>&1; then
			SRV_WHY="$_srv_c not found (tools/deps.sh installs it)"
			echo "srv: $SRV_WHY" >&2
			return 1
		fi
	done
	return 0
}

# _srv_start NAME SETUP: start a server, up to 5 tries, each on a fresh
# port (one from srv_free_port may be taken before the server binds it):
# "SETUP PORT" writes the configuration, "_srv_go PORT" (defined by the
# caller) launches it with _srv_launch.  The port is left in _srv_port.
_srv_start() {
	_srv_name=$1 _srv_setup=$2
	_srv_try=1
	while :; do
		_srv_port=$(srv_free_port) || {
			SRV_WHY="no free port (python3?)"
			return 1
		}
		"$_srv_setup" "$_srv_port" || return 1
		_srv_go "$_srv_port"
		_srv_rc=$?
		if [ "$_srv_rc" -eq 0 ]; then
			SRV_WHY=''
			return 0
		fi
		if [ "$_srv_rc" -eq 3 ]; then
			SRV_WHY="$_srv_name did not listen on 127.0.0.1:$_srv_port within 10 s"
		else
			SRV_WHY="$_srv_name exited at start (try $_srv_try, port $_srv_port)"
		fi
		if [ "$_srv_rc" -eq 3 ] || [ "$_srv_try" -ge 5 ]; then
			echo "srv: $SRV_WHY" >&2
			_srv_log "$SRV_ROOT/logs/$_srv_name.log"
			_srv_log "$SRV_ROOT/logs/$_srv_name.out"
			return 1
		fi
		_srv_try=$((_srv_try + 1))
	done
}

srv_bare() {
	_srv_b=$1
	case $_srv_b in
	'' | */*) echo "srv_bare: a NAME, not '$_srv_b'" >&2; return 1 ;;
	*.git) ;;
	*) _srv_b=$_srv_b.git ;;
	esac
	git -c init.defaultBranch=main init -q --bare "$SRV_REPOS/$_srv_b" >&2 ||
	    return 1
	echo "$SRV_REPOS/$_srv_b"
}

srv_url() {
	_srv_u=$2
	case $_srv_u in *.git) ;; *) _srv_u=$_srv_u.git ;; esac
	case $1 in
	path) _srv_b=$SRV_REPOS ;;
	file) _srv_b=file://$SRV_REPOS ;;
	git) _srv_b=$SRV_GIT_URL_BASE ;;
	ssh) _srv_b=${SRV_SSH_URL_BASE:+$SRV_SSH_URL_BASE$SRV_REPOS} ;;
	http) _srv_b=$SRV_HTTP_URL_BASE ;;
	https) _srv_b=$SRV_HTTPS_URL_BASE ;;
	*) echo "srv_url: unknown kind '$1'" >&2; return 1 ;;
	esac
	if [ -z "$_srv_b" ]; then
		echo "srv_url: no $1 server started" >&2
		return 1
	fi
	echo "$_srv_b/$_srv_u"
}

# --- git daemon -------------------------------------------------------

_srv_daemon_setup() {
	:
}

# _srv_daemon_go PORT: launch git daemon on PORT.
_srv_daemon_go() {
	_srv_launch daemon "$1" "$SRV_ROOT/logs/daemon.log" \
	    "$_srv_gitd" --listen=127.0.0.1 --port="$1" \
	    --base-path="$SRV_REPOS" --export-all \
	    --enable=receive-pack --reuseaddr --informative-errors \
	    --verbose --init-timeout=30 --timeout=120 \
	    --pid-file="$SRV_ROOT/logs/daemon.pid" "$SRV_REPOS"
}

srv_git_daemon() {
	_srv_running daemon && return 0
	_srv_need git || return 1
	_srv_gitd=$(git --exec-path)/git-daemon
	if [ ! -x "$_srv_gitd" ]; then
		SRV_WHY="no $_srv_gitd (package git)"
		return 1
	fi
	_srv_go() {
		_srv_daemon_go "$1"
	}
	_srv_start daemon _srv_daemon_setup || return 1
	SRV_GIT_PORT=$_srv_port
	SRV_GIT_URL_BASE=git://127.0.0.1:$_srv_port
	export SRV_GIT_PORT SRV_GIT_URL_BASE
	return 0
}

# srv_git_daemon_again: the git daemon started again on the port it had
# before srv_stop daemon, so that the URLs handed out reach it again (a
# server coming back after an outage).
srv_git_daemon_again() {
	_srv_running daemon && return 0
	if [ -z "${SRV_GIT_PORT:-}" ]; then
		SRV_WHY="the git daemon never ran"
		return 1
	fi
	_srv_gitd=$(git --exec-path)/git-daemon
	_srv_daemon_go "$SRV_GIT_PORT" || {
		SRV_WHY="git daemon did not start again on port $SRV_GIT_PORT"
		return 1
	}
}

# --- sshd -------------------------------------------------------------

# The user keys (made once): plain, passphrase-protected, not authorized.
_srv_ssh_keys() {
	_srv_d=$SRV_ROOT/ssh
	[ -f "$_srv_d/authorized_keys" ] && return 0
	_srv_need ssh-keygen || return 1
	mkdir -p "$_srv_d" && chmod 700 "$_srv_d" || return 1
	SRV_SSH_KEY_PASS="pass phrase 7"
	ssh-keygen -q -t ed25519 -N '' -C lantian-test-host \
	    -f "$_srv_d/host_ed25519" &&
	ssh-keygen -q -t ed25519 -N '' -C lantian-test-user \
	    -f "$_srv_d/id_ed25519" &&
	ssh-keygen -q -t ed25519 -N "$SRV_SSH_KEY_PASS" \
	    -C lantian-test-user-enc -f "$_srv_d/id_ed25519_enc" &&
	ssh-keygen -q -t ed25519 -N '' -C lantian-test-stranger \
	    -f "$_srv_d/id_ed25519_bad" || {
		SRV_WHY="ssh-keygen failed"
		return 1
	}
	cat "$_srv_d/id_ed25519.pub" "$_srv_d/id_ed25519_enc.pub" \
	    >"$_srv_d/authorized_keys"
	SRV_SSH_KEY=$_srv_d/id_ed25519
	SRV_SSH_PUB=$_srv_d/id_ed25519.pub
	SRV_SSH_KEY_ENC=$_srv_d/id_ed25519_enc
	SRV_SSH_PUB_ENC=$_srv_d/id_ed25519_enc.pub
	SRV_SSH_BAD_KEY=$_srv_d/id_ed25519_bad
	SRV_SSH_BAD_PUB=$_srv_d/id_ed25519_bad.pub
	SRV_SSH_HOST_PUB=$_srv_d/host_ed25519.pub
	SRV_SSH_KNOWN_HOSTS=$_srv_d/known_hosts
	export SRV_SSH_KEY SRV_SSH_PUB SRV_SSH_KEY_ENC SRV_SSH_PUB_ENC \
	    SRV_SSH_KEY_PASS SRV_SSH_BAD_KEY SRV_SSH_BAD_PUB SRV_SSH_HOST_PUB \
	    SRV_SSH_KNOWN_HOSTS
	return 0
}

_srv_sshd_setup() {
	_srv_d=$SRV_ROOT/ssh
	cat >"$_srv_d/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $1
HostKey $_srv_d/host_ed25519
PidFile $_srv_d/sshd.pid
AuthorizedKeysFile $_srv_d/authorized_keys
AllowUsers $SRV_SSH_USER
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
LoginGraceTime 30
MaxAuthTries 10
LogLevel VERBOSE
EOF
	printf '[127.0.0.1]:%s %s\n' "$1" \
	    "$(cut -d ' ' -f 1,2 "$_srv_d/host_ed25519.pub")" \
	    >"$_srv_d/known_hosts"
}

srv_sshd() {
	_srv_running sshd && return 0
	_srv_sshd_bin=/usr/sbin/sshd
	[ -x "$_srv_sshd_bin" ] ||
	    _srv_sshd_bin=$(command -v sshd 2>/dev/null) || _srv_sshd_bin=
	case $_srv_sshd_bin in
	/*) ;;
	*)
		SRV_WHY="sshd not found (package openssh-server; tools/deps.sh installs it)"
		echo "srv: $SRV_WHY" >&2
		return 1
		;;
	esac
	_srv_need ssh ssh-keygen || return 1
	SRV_SSH_USER=$(id -un)
	_srv_shell=$(getent passwd "$SRV_SSH_USER" 2>/dev/null | cut -d: -f7)
	case $_srv_shell in
	'' | */nologin | */false)
		SRV_WHY="user $SRV_SSH_USER has no login shell ('$_srv_shell'): sshd cannot run commands as them"
		return 77
		;;
	esac
	if [ ! -x "$_srv_shell" ]; then
		SRV_WHY="user $SRV_SSH_USER's shell $_srv_shell is not executable"
		return 77
	fi
	if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
		# sshd's privilege separation directory (root only).
		if ! mkdir -p /run/sshd || ! chmod 755 /run/sshd; then
			SRV_WHY="cannot make /run/sshd"
			return 1
		fi
	fi
	_srv_ssh_keys || return 1
	_srv_go() {
		_srv_launch sshd "$1" "$SRV_ROOT/logs/sshd.out" \
		    "$_srv_sshd_bin" -D -f "$SRV_ROOT/ssh/sshd_config" \
		    -E "$SRV_ROOT/logs/sshd.log"
	}
	_srv_start sshd _srv_sshd_setup || return 1
	SRV_SSH_PORT=$_srv_port
	SRV_SSH_URL_BASE=ssh://$SRV_SSH_USER@127.0.0.1:$_srv_port
	# For GIT_SSH_COMMAND, which a shell evaluates: the quotes are meant.
	# shellcheck disable=SC2089,SC2090
	SRV_SSH_COMMAND="ssh -F /dev/null -i '$SRV_SSH_KEY' -o IdentitiesOnly=yes -o UserKnownHostsFile='$SRV_SSH_KNOWN_HOSTS' -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10"
	# shellcheck disable=SC2090
	export SRV_SSH_PORT SRV_SSH_USER SRV_SSH_URL_BASE SRV_SSH_COMMAND
	# Log in once: an account sshd refuses (locked, ...) shows here.
	if ! eval "$SRV_SSH_COMMAND -p $SRV_SSH_PORT $SRV_SSH_USER@127.0.0.1 true" \
	    </dev/null >"$SRV_ROOT/logs/sshd-login.out" 2>&1; then
		_srv_log "$SRV_ROOT/logs/sshd-login.out"
		_srv_log "$SRV_ROOT/logs/sshd.log"
		if grep -q -E 'account is locked|not allowed because' \
		    "$SRV_ROOT/logs/sshd.log" 2>/dev/null; then
			SRV_WHY="sshd will not let $SRV_SSH_USER log in: $(grep -E -o 'User .*(locked|because.*)' "$SRV_ROOT/logs/sshd.log" | head -n 1)"
			srv_stop sshd
			return 77
		fi
		SRV_WHY="cannot log in to the test sshd as $SRV_SSH_USER with the test key"
		srv_stop sshd
		return 1
	fi
	return 0
}

srv_ssh_agent() {
	_srv_running agent && return 0
	_srv_need ssh-agent ssh-add || return 1
	_srv_ssh_keys || return 1
	_srv_sock=$SRV_ROOT/ssh/agent.sock
	rm -f "$_srv_sock"
	ssh-agent -D -a "$_srv_sock" </dev/null \
	    >>"$SRV_ROOT/logs/agent.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo "$!" >"$SRV_ROOT/pids/agent.pid"
	_srv_i=0
	while [ ! -S "$_srv_sock" ] && [ "$_srv_i" -lt 200 ]; do
		sleep 0.05
		_srv_i=$((_srv_i + 1))
	done
	if ! SSH_AUTH_SOCK=$_srv_sock ssh-add -q "$SRV_SSH_KEY" </dev/null \
	    >>"$SRV_ROOT/logs/agent.log" 2>&1; then
		SRV_WHY="ssh-agent did not start or ssh-add failed"
		_srv_log "$SRV_ROOT/logs/agent.log"
		srv_stop agent
		return 1
	fi
	SRV_SSH_AUTH_SOCK=$_srv_sock
	SSH_AUTH_SOCK=$_srv_sock
	export SRV_SSH_AUTH_SOCK SSH_AUTH_SOCK
	return 0
}

# --- lighttpd + git-http-backend --------------------------------------

# The test CA and a DNS:localhost server certificate (made once).
_srv_tls() {
	_srv_t=$SRV_ROOT/tls
	[ -f "$_srv_t/server.pem" ] && return 0
	_srv_need openssl || return 1
	mkdir -p "$_srv_t" && chmod 700 "$_srv_t" || return 1
	cat >"$_srv_t/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
x509_extensions = v3_ca
prompt = no
[dn]
CN = lantian test CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
EOF
	cat >"$_srv_t/server.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
EOF
	cat >"$_srv_t/server.ext" <<'EOF'
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	if ! {
		openssl req -x509 -new -nodes -config "$_srv_t/ca.cnf" \
		    -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		    -keyout "$_srv_t/ca.key" -out "$_srv_t/ca.pem" -days 30 &&
		openssl req -new -nodes -config "$_srv_t/server.cnf" \
		    -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		    -keyout "$_srv_t/server.key" -out "$_srv_t/server.csr" &&
		openssl x509 -req -in "$_srv_t/server.csr" -CA "$_srv_t/ca.pem" \
		    -CAkey "$_srv_t/ca.key" -set_serial "$(date +%s)" -days 30 \
		    -extfile "$_srv_t/server.ext" -out "$_srv_t/server.pem"
	} >"$SRV_ROOT/logs/openssl.log" 2>&1; then
		SRV_WHY="openssl could not make the test certificates"
		_srv_log "$SRV_ROOT/logs/openssl.log"
		rm -f "$_srv_t/server.pem"
		return 1
	fi
	SRV_CA_FILE=$_srv_t/ca.pem
	export SRV_CA_FILE
	return 0
}

# _srv_lighttpd_setup PORT (for $_srv_lt: http or https)
_srv_lighttpd_setup() {
	_srv_h=$SRV_ROOT/$_srv_lt
	_srv_mods='"mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi"'
	[ "$_srv_lt" = https ] && _srv_mods="$_srv_mods, \"mod_openssl\""
	cat >"$_srv_h/lighttpd.conf" <<EOF
server.modules = ( $_srv_mods )
server.document-root = "$_srv_h/www"
server.bind = "127.0.0.1"
server.port = $1
server.pid-file = "$_srv_h/lighttpd.pid"
server.errorlog = "$SRV_ROOT/logs/$_srv_lt.log"
server.upload-dirs = ( "$_srv_h/tmp" )
server.tag = "lantian-test"
# No delay after a wrong password: tests try wrong ones on purpose.
server.feature-flags = ( "auth.delay-invalid-creds" => "disable" )
auth.backend = "plain"
auth.backend.plain.userfile = "$_srv_h/users"
alias.url = ( "/git/" => "$_srv_backend/" )
\$HTTP["url"] =~ "^/git/" {
	cgi.assign = ( "" => "" )
	setenv.add-environment = (
		"GIT_PROJECT_ROOT" => "$SRV_REPOS",
		"GIT_HTTP_EXPORT_ALL" => "1",
		"HOME" => "$_srv_h/home"
	)
	auth.require = ( "" => (
		"method" => "basic",
		"realm" => "lantian test",
		"require" => "valid-user"
	) )
}
EOF
	if [ "$_srv_lt" = https ]; then
		cat >>"$_srv_h/lighttpd.conf" <<EOF
\$SERVER["socket"] == "127.0.0.1:$1" {
	ssl.engine = "enable"
	ssl.pemfile = "$SRV_ROOT/tls/server.pem"
	ssl.privkey = "$SRV_ROOT/tls/server.key"
}
EOF
	fi
}

# _srv_lighttpd http|https
_srv_lighttpd() {
	_srv_lt=$1
	_srv_lighttpd_bin=/usr/sbin/lighttpd
	[ -x "$_srv_lighttpd_bin" ] ||
	    _srv_lighttpd_bin=$(command -v lighttpd 2>/dev/null) ||
	    _srv_lighttpd_bin=
	if [ -z "$_srv_lighttpd_bin" ]; then
		SRV_WHY="lighttpd not found (tools/deps.sh installs it)"
		echo "srv: $SRV_WHY" >&2
		return 1
	fi
	_srv_need git || return 1
	_srv_backend=$(git --exec-path)/git-http-backend
	if [ ! -x "$_srv_backend" ]; then
		SRV_WHY="no $_srv_backend (package git)"
		return 1
	fi
	if [ "$_srv_lt" = https ]; then
		if [ -d /usr/lib/lighttpd ] &&
		    [ ! -f /usr/lib/lighttpd/mod_openssl.so ]; then
			SRV_WHY="lighttpd has no mod_openssl (package lighttpd-mod-openssl; tools/deps.sh installs it)"
			echo "srv: $SRV_WHY" >&2
			return 1
		fi
		_srv_tls || return 1
	fi
	_srv_h=$SRV_ROOT/$_srv_lt
	mkdir -p "$_srv_h/www" "$_srv_h/tmp" "$_srv_h/home" || return 1
	printf '%s:%s\n' "$SRV_HTTP_USER" "$SRV_HTTP_PASS" >"$_srv_h/users"
	_srv_go() {
		_srv_launch "$_srv_lt" "$1" "$SRV_ROOT/logs/$_srv_lt.out" \
		    "$_srv_lighttpd_bin" -D -f "$SRV_ROOT/$_srv_lt/lighttpd.conf"
	}
	_srv_start "$_srv_lt" _srv_lighttpd_setup || return 1
	return 0
}

srv_http() {
	_srv_running http && return 0
	_srv_lighttpd http || return 1
	SRV_HTTP_PORT=$_srv_port
	SRV_HTTP_URL_BASE=http://127.0.0.1:$_srv_port/git
	export SRV_HTTP_PORT SRV_HTTP_URL_BASE
}

srv_https() {
	_srv_running https && return 0
	_srv_lighttpd https || return 1
	SRV_HTTPS_PORT=$_srv_port
	SRV_HTTPS_URL_BASE=https://localhost:$_srv_port/git
	export SRV_HTTPS_PORT SRV_HTTPS_URL_BASE
}

# --- hooks ------------------------------------------------------------

_srv_repo() {
	if [ -d "$1" ]; then
		echo "$1"
	elif [ -d "$SRV_REPOS/$1" ]; then
		echo "$SRV_REPOS/$1"
	elif [ -d "$SRV_REPOS/$1.git" ]; then
		echo "$SRV_REPOS/$1.git"
	else
		echo "srv: no repository '$1'" >&2
		return 1
	fi
}

srv_reject_pushes() {
	_srv_r=$(_srv_repo "$1") || return 1
	mkdir -p "$_srv_r/hooks" &&
	printf '%s\n' "${2:-$SRV_REJECT_MSG}" \
	    >"$_srv_r/hooks/lantian-reject-message" &&
	cat >"$_srv_r/hooks/pre-receive" <<'EOF' &&
#!/bin/sh
# Installed by tests/sync/servers.sh (srv_reject_pushes): refuse every push.
cat >/dev/null
cat "$(dirname "$0")/lantian-reject-message" >&2
exit 1
EOF
	chmod 755 "$_srv_r/hooks/pre-receive"
}

srv_accept_pushes() {
	_srv_r=$(_srv_repo "$1") || return 1
	rm -f "$_srv_r/hooks/pre-receive" "$_srv_r/hooks/lantian-reject-message"
}

# --- stopping ---------------------------------------------------------

srv_stop() {
	[ -n "${SRV_ROOT:-}" ] || return 0
	_srv_f=$SRV_ROOT/pids/$1.pid
	[ -f "$_srv_f" ] || return 0
	_srv_kill "$(cat "$_srv_f")"
	rm -f "$_srv_f"
	if [ "$1" = agent ] && [ "${SSH_AUTH_SOCK:-}" = "$SRV_SSH_AUTH_SOCK" ]; then
		unset SSH_AUTH_SOCK
	fi
	return 0
}

srv_stop_all() {
	[ -n "${SRV_ROOT:-}" ] && [ -d "$SRV_ROOT" ] || return 0
	for _srv_f in "$SRV_ROOT"/pids/*.pid; do
		[ -f "$_srv_f" ] || continue
		srv_stop "$(basename "$_srv_f" .pid)"
	done
	if [ -n "${SRV_KEEP:-}" ]; then
		echo "srv: kept $SRV_ROOT" >&2
		return 0
	fi
	# A connection's process may still be finishing: try again.
	rm -rf "$SRV_ROOT" 2>/dev/null || { sleep 0.3; rm -rf "$SRV_ROOT"; }
	return 0
}
