#!/bin/sh
# The test servers of tests/sync/servers.sh work, proved with the real git
# command line and nothing of lantian: for each transport (a bare repo by
# path, file://, git://, ssh://, http://, https://localhost) push a small
# repo, clone it, push from the clone and fetch that back; credentials are
# required and checked (ssh keys and known_hosts, http basic auth, the test
# CA); a pre-receive hook's refusal fails `git push`; everything stops.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LANTIAN:=$top_srcdir/lantian}"
: "${TESTDATA:=$top_srcdir/tests/data}"
export top_srcdir LANTIAN TESTDATA
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/sync/servers.sh"
trap 'srv_stop_all; rm -rf "$T"' EXIT

# git with nothing of the machine's own configuration, never prompting.
GIT_CONFIG_NOSYSTEM=1
GIT_TERMINAL_PROMPT=0
export GIT_CONFIG_NOSYSTEM GIT_TERMINAL_PROMPT
unset GIT_ASKPASS SSH_ASKPASS GIT_SSH GIT_SSH_COMMAND GIT_SSL_NO_VERIFY \
    GIT_SSL_CAINFO GIT_SSL_CAPATH GIT_CONFIG_GLOBAL
cat >"$HOME/.gitconfig" <<'EOF'
[user]
	name = Test Inspector
	email = inspector@example.invalid
[init]
	defaultBranch = main
[advice]
	detachedHead = false
EOF

# git, but never hanging the suite.
# shellcheck disable=SC2317
G() {
	timeout 60 git "$@"
}

# The repo every transport gets: one commit on main.
W=$T/work
git init -q "$W" && printf 'hello\n' >"$W/hello.txt" &&
    git -C "$W" add hello.txt && git -C "$W" commit -q -m first ||
    fail "setup: a work repo with one commit"

# roundtrip KIND URL: push main to the empty repo at URL, clone it, commit
# and push from the clone, fetch that commit back into the work repo.
roundtrip() {
	_k=$1 _u=$2 _c=$T/clone-$1
	ok "$_k: push to an empty bare repo ($_u)" G -C "$W" push -q "$_u" main
	ok "$_k: clone" G clone -q "$_u" "$_c"
	check "$_k: the clone has the pushed file" \
	    cmp "$W/hello.txt" "$_c/hello.txt"
	printf '%s\n' "$_k" >"$_c/$_k.txt"
	git -C "$_c" add "$_k.txt" && git -C "$_c" commit -q -m "from $_k"
	ok "$_k: push a new commit from the clone" \
	    G -C "$_c" push -q origin main
	ok "$_k: fetch" G -C "$W" fetch -q "$_u" main
	is "$_k: fetched the clone's commit" \
	    "$(git -C "$W" rev-parse FETCH_HEAD 2>&1)" \
	    "$(git -C "$_c" rev-parse HEAD 2>&1)"
	ok "$_k: ls-remote" G ls-remote "$_u" refs/heads/main
	out_has_fixed "$_k: ls-remote shows main at the new commit" \
	    "$(git -C "$_c" rev-parse HEAD 2>&1)"
}

# listens_local PORT: every socket listening on PORT is on 127.0.0.1.
# shellcheck disable=SC2317
listens_local() {
	python3 - "$1" <<'EOF'
import sys
port = ":%04X" % int(sys.argv[1])
found = bad = 0
for name in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(name).readlines()[1:]
    except OSError:
        continue
    for l in lines:
        p = l.split()
        if p[1].endswith(port) and p[3] == "0A":
            found += 1
            if p[1] != "0100007F" + port:
                bad += 1
sys.exit(0 if found and not bad else 1)
EOF
}

# with_creds URL: URL with the HTTP user and password in it.
with_creds() {
	printf '%s\n' "$1" | sed "s#://#://$SRV_HTTP_USER:$SRV_HTTP_PASS@#"
}

#### a bare repo by path (the USB stick), and file://

P=$(srv_bare stick)
is "srv_bare prints the new repo's path" "$P" "$SRV_REPOS/stick.git"
check "srv_bare: an empty bare repo" test "$(git --git-dir="$P" \
    rev-parse --is-bare-repository 2>&1)" = true
roundtrip path "$P"
srv_bare file >/dev/null
roundtrip file "$(srv_url file file)"

#### git daemon

if srv_git_daemon; then
	pass "git daemon up at $SRV_GIT_URL_BASE"
	check "git daemon listens on 127.0.0.1 only" listens_local "$SRV_GIT_PORT"
	srv_bare daemon >/dev/null
	roundtrip git "$(srv_url git daemon)"
else
	fail "git daemon starts" "$SRV_WHY"
fi

#### sshd

srv_sshd
rc=$?
if [ "$rc" -eq 0 ]; then
	pass "sshd up at $SRV_SSH_URL_BASE"
	check "sshd listens on 127.0.0.1 only" listens_local "$SRV_SSH_PORT"
	check "known_hosts: one [127.0.0.1]:PORT ssh-ed25519 line" grep -q -x \
	    "\[127\.0\.0\.1\]:$SRV_SSH_PORT ssh-ed25519 [A-Za-z0-9+/=]*" \
	    "$SRV_SSH_KNOWN_HOSTS"
	srv_bare ssh >/dev/null
	GIT_SSH_COMMAND=$SRV_SSH_COMMAND
	# shellcheck disable=SC2090
	export GIT_SSH_COMMAND
	roundtrip ssh "$(srv_url ssh ssh)"
	KH="-F /dev/null -o UserKnownHostsFile='$SRV_SSH_KNOWN_HOSTS' -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes"

	GIT_SSH_COMMAND="ssh -F /dev/null -i '$SRV_SSH_KEY' -o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes"
	fails 128 "ssh: an unknown host key is refused (StrictHostKeyChecking)" \
	    G ls-remote "$(srv_url ssh ssh)"
	err_has "ssh: ... as a host key verification failure" \
	    'Host key verification failed'

	GIT_SSH_COMMAND="ssh -i '$SRV_SSH_BAD_KEY' -o IdentitiesOnly=yes $KH"
	fails 128 "ssh: a key not in authorized_keys is refused" \
	    G ls-remote "$(srv_url ssh ssh)"
	err_has "ssh: ... as a publickey denial" 'Permission denied \(publickey'

	if srv_ssh_agent; then
		GIT_SSH_COMMAND="ssh -o IdentitiesOnly=no $KH"
		ok "ssh: the key from ssh-agent (no key file given)" \
		    G ls-remote "$(srv_url ssh ssh)"
		out_has "ssh: ... lists main" 'refs/heads/main'
		srv_stop agent
		check "srv_stop agent unsets SSH_AUTH_SOCK" \
		    test -z "${SSH_AUTH_SOCK:-}"
	else
		fail "ssh-agent starts" "$SRV_WHY"
	fi

	# shellcheck disable=SC2016
	printf '#!/bin/sh\nprintf "%%s\\n" "$SRV_SSH_KEY_PASS"\n' >"$T/askpass"
	chmod 755 "$T/askpass"
	# shellcheck disable=SC2016
	check "the passphrase-protected key is the one whose passphrase we have" \
	    sh -c 'ssh-keygen -y -P "$SRV_SSH_KEY_PASS" -f "$SRV_SSH_KEY_ENC" |
	        cut -d " " -f 1,2 | grep -q -x -F "$(cut -d " " -f 1,2 \
	        "$SRV_SSH_PUB_ENC")"'
	ok "ssh: the passphrase-protected key logs in (askpass)" \
	    env SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force \
	    DISPLAY=none timeout 30 ssh -F /dev/null -i "$SRV_SSH_KEY_ENC" \
	    -o IdentitiesOnly=yes -o UserKnownHostsFile="$SRV_SSH_KNOWN_HOSTS" \
	    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
	    -p "$SRV_SSH_PORT" "$SRV_SSH_USER@127.0.0.1" echo logged-in
	out_has "ssh: ... and runs a command" '^logged-in$'
	unset GIT_SSH_COMMAND
elif [ "$rc" -eq 77 ]; then
	skip "sshd" "$SRV_WHY"
else
	fail "sshd starts" "$SRV_WHY"
fi

#### smart http (lighttpd + git-http-backend, basic auth)

if srv_http; then
	pass "lighttpd (http) up at $SRV_HTTP_URL_BASE"
	check "http listens on 127.0.0.1 only" listens_local "$SRV_HTTP_PORT"
	u1=$SRV_HTTP_URL_BASE
	srv_http
	is "srv_http again keeps the running server" "$SRV_HTTP_URL_BASE" "$u1"
	srv_bare http >/dev/null
	U=$(srv_url http http)
	roundtrip http "$(with_creds "$U")"

	fails 128 "http: no credentials: refused" G ls-remote "$U"
	fails 128 "http: a wrong password: refused" G ls-remote \
	    "$(printf '%s\n' "$U" | sed "s#://#://$SRV_HTTP_USER:wrong@#")"
	err_has "http: ... as an authentication failure" \
	    'Authentication failed|401'
	fails 128 "http: a push without credentials: refused" \
	    G -C "$W" push "$U" main:refs/heads/anonymous

	printf '%s\n' "$(with_creds "http://127.0.0.1:$SRV_HTTP_PORT")" \
	    >"$T/git-credentials"
	ok "http: credentials from a credential helper (store)" \
	    G -c credential.helper= \
	    -c credential.helper="store --file=$T/git-credentials" \
	    clone -q "$U" "$T/clone-helper"
	check "http: ... the clone has the file" \
	    cmp "$W/hello.txt" "$T/clone-helper/hello.txt"

	# More than http.postBuffer (1 MiB): git sends the pack chunked, as
	# libgit2 always does.
	head -c 1500000 /dev/urandom >"$T/clone-helper/big.bin"
	git -C "$T/clone-helper" add big.bin &&
	    git -C "$T/clone-helper" commit -q -m big
	ok "http: a 1.5 MB push (chunked request body)" \
	    G -c credential.helper= \
	    -c credential.helper="store --file=$T/git-credentials" \
	    -C "$T/clone-helper" push -q origin main
	check "http: ... reached the server" test \
	    "$(git --git-dir="$SRV_REPOS/http.git" rev-parse main 2>&1)" = \
	    "$(git -C "$T/clone-helper" rev-parse HEAD)"
else
	fail "lighttpd (http) starts" "$SRV_WHY"
fi

#### smart https://localhost (self-signed test CA, DNS:localhost)

if srv_https; then
	pass "lighttpd (https) up at $SRV_HTTPS_URL_BASE"
	check "https listens on 127.0.0.1 only" listens_local "$SRV_HTTPS_PORT"
	check "the server certificate names DNS:localhost" sh -c \
	    "openssl x509 -in '$SRV_ROOT/tls/server.pem' -noout -ext subjectAltName | grep -q 'DNS:localhost'"
	check "the server certificate verifies against SRV_CA_FILE" \
	    openssl verify -CAfile "$SRV_CA_FILE" "$SRV_ROOT/tls/server.pem"
	srv_bare https >/dev/null
	U=$(srv_url https https)
	GIT_SSL_CAINFO=$SRV_CA_FILE
	export GIT_SSL_CAINFO
	roundtrip https "$(with_creds "$U")"
	fails 128 "https: a wrong password: refused" G ls-remote \
	    "$(printf '%s\n' "$U" | sed "s#://#://$SRV_HTTP_USER:wrong@#")"
	fails 128 "https: by IP address the name does not match: refused" \
	    G ls-remote "$(with_creds "https://127.0.0.1:$SRV_HTTPS_PORT/git/https.git")"
	err_has "https: ... as a certificate name mismatch" \
	    'subject name|does not match|no alternative'
	unset GIT_SSL_CAINFO
	fails 128 "https: without the test CA: refused" \
	    G -c http.sslCAInfo=/dev/null ls-remote "$(with_creds "$U")"
	err_has "https: ... as a certificate problem" 'SSL certificate|certificate'
else
	fail "lighttpd (https) starts" "$SRV_WHY"
fi

#### a pre-receive hook refusing pushes

srv_bare guarded >/dev/null
srv_reject_pushes guarded
check "srv_reject_pushes installs an executable pre-receive hook" \
    test -x "$SRV_REPOS/guarded.git/hooks/pre-receive"
set -- path "$SRV_REPOS/guarded.git"
[ -n "$SRV_GIT_URL_BASE" ] && set -- "$@" git "$(srv_url git guarded)"
[ -n "$SRV_SSH_URL_BASE" ] && set -- "$@" ssh "$(srv_url ssh guarded)"
[ -n "$SRV_HTTP_URL_BASE" ] &&
    set -- "$@" http "$(with_creds "$(srv_url http guarded)")"
GIT_SSH_COMMAND=$SRV_SSH_COMMAND
# shellcheck disable=SC2090
export GIT_SSH_COMMAND
while [ $# -ge 2 ]; do
	fails 1 "$1: a push refused by the hook fails git push" \
	    G -C "$W" push "$2" main
	err_has "$1: ... with the hook's message" "$SRV_REJECT_MSG"
	err_has "$1: ... and 'pre-receive hook declined'" \
	    'pre-receive hook declined'
	shift 2
done
check "nothing was stored by the refused pushes" sh -c \
    "! git --git-dir='$SRV_REPOS/guarded.git' rev-parse -q --verify refs/heads/main"
srv_accept_pushes guarded
check "srv_accept_pushes removes the hook" \
    test ! -e "$SRV_REPOS/guarded.git/hooks/pre-receive"
if [ -n "$SRV_GIT_URL_BASE" ]; then
	ok "git: accepted again after srv_accept_pushes" \
	    G -C "$W" push -q "$(srv_url git guarded)" main
fi
unset GIT_SSH_COMMAND

#### stopping

pids=$(cat "$SRV_ROOT"/pids/*.pid 2>/dev/null)
root=$SRV_ROOT
port=$SRV_GIT_PORT
srv_stop_all
alive=
for p in $pids; do
	_srv_alive "$p" && alive="$alive $p"
done
is "srv_stop_all: no server left running" "$alive" ""
check "srv_stop_all: \$SRV_ROOT removed" test ! -e "$root"
if [ -n "$port" ]; then
	fails 128 "git: the stopped daemon refuses connections" \
	    G ls-remote "git://127.0.0.1:$port/daemon.git"
fi
srv_stop_all
pass "srv_stop_all again (the EXIT trap) is harmless"

done_testing
