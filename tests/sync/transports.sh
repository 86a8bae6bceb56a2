#!/bin/sh
# Every transport lantian sync speaks, pushing and fetching through a real
# server: a path (the USB stick) and file://, git://, ssh:// with a key
# file and with ssh-agent, known_hosts from the remote or from ~/.ssh,
# http:// and https://localhost with a user and a password file (and the
# test CA by --ca-file).  What must fail fails soon and says why: an
# unknown ssh host key, a key the server refuses, a wrong password (a
# bounded number of tries, not a hang), no credentials, an untrusted
# certificate, a server that is not there.  remote add --create, list,
# remove and their refusals.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017
inspect "$IA" one
inspect "$IA" two

# pushed KIND REPO: A's device branch is on the server as A has it.
pushed() {
	is "$1: the server has A's branch" \
	    "$(git --git-dir="$2" rev-parse "refs/heads/devices/$KA" 2>&1)" \
	    "$(git --git-dir="$IA/repo.git" rev-parse "refs/heads/devices/$KA" 2>&1)"
}

# transport KIND URL [REMOTE-ADD-OPTION...]: A syncs its records there
# (a remote of that name), then a fresh receiver fetches them back.
transport() {
	_k=$1 _u=$2
	shift 2
	ok "$_k: remote add" lt --data "$IA" remote add "$_k" "$_u" "$@"
	sync_ok "$_k: A syncs" "$IA" "$_k"
	out_has "$_k: its 2 records went" \
	    "^sync with $_k: 2 record\(s\) sent, 0 received .* 1 branch\(es\) pushed$"
	pushed "$_k" "$SRV_REPOS/$_k.git"
	R=$T/receiver-$_k
	receiver "$R"
	ok "$_k: a receiver adds it" lt --data "$R" remote add "$_k" "$_u" "$@"
	sync_ok "$_k: the receiver syncs" "$R" "$_k"
	out_has "$_k: it received A's 2 records" \
	    "^sync with $_k: 0 record\(s\) sent, 2 received"
	is "$_k: A's records are in the receiver's store" \
	    "$(statuses "$R" "$KA")" "1:unknown-key 2:unknown-key"
	sync_ok "$_k: A syncs again" "$IA" "$_k"
	out_has "$_k: nothing to do" \
	    "^sync with $_k: 0 record\(s\) sent, 0 received .* 0 branch\(es\) pushed$"
}

# receiver DIR: a fresh inspector's data dir that fetches A's records.
receiver() {
	setup "init $1" "$LANTIAN" --data "$1" init --name 王芳 --badge XY-030 \
	    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
}

# denied http|https: how many wrong passwords the server has logged.
denied() {
	cat "$SRV_ROOT/logs/$1.log" 2>/dev/null | grep -c "password doesn't match"
}

# soon DESC: the last run ended by itself (not the 60 s of lts).
soon() {
	if [ "$RC" -eq 124 ]; then
		fail "$1" "lantian sync hung: killed after 60 s"
	else
		pass "$1"
	fi
}

#### A path: the USB stick, remote add --create

STICK=$T/media/stick/lantian.git
# The stick, mounted.
mkdir -p "$T/media/stick"
fails 1 "remote add of a missing path without --create fails" \
    lt --data "$IA" remote add stick "$STICK"
err_has "it says --create makes one" "^lantian: .*--create makes a new repository"
ok "remote add --create on a fresh path" \
    lt --data "$IA" remote add stick "$STICK" --create
is "it made an empty bare repository" \
    "$(git --git-dir="$STICK" rev-parse --is-bare-repository 2>&1)" true
sync_ok "path: A syncs with the stick" "$IA" stick
out_has "path: its 2 records went" "^sync with stick: 2 record\(s\) sent"
pushed path "$STICK"
R=$T/receiver-path
receiver "$R"
ok "path: --create on an existing repository keeps it" \
    lt --data "$R" remote add stick "$STICK" --create
is "path: with its branch" \
    "$(git --git-dir="$STICK" rev-parse "refs/heads/devices/$KA" 2>&1)" \
    "$(git --git-dir="$IA/repo.git" rev-parse "refs/heads/devices/$KA" 2>&1)"
sync_ok "path: the receiver syncs" "$R" stick
out_has "path: it received A's 2 records" \
    "^sync with stick: 0 record\(s\) sent, 2 received"
mkdir -p "$T/photos" && echo holiday >"$T/photos/beach.txt"
fails 1 "remote add --create in a folder with files refuses" \
    lt --data "$IA" remote add photos "$T/photos" --create
err_has "it says why" "^lantian: .*photos: a folder with files in it"
check "and touched nothing there" test "$(ls -A "$T/photos")" = beach.txt
fails 2 "remote add --create with a URL is a usage error" \
    lt --data "$IA" remote add web "http://127.0.0.1:9/x.git" --create

mv "$T/media/stick" "$T/media/unplugged"
fails 1 "path: a stick that is not there" lts --data "$IA" sync stick
err_has "path: says the repository is not there" \
    "^lantian: .*lantian.git: no repository there \(is the USB stick mounted"
mv "$T/media/unplugged" "$T/media/stick"

#### file:// (by URL, no remote added)

FILE_REPO=$(srv_bare file)
ok "file: A syncs with a URL given as is" \
    lts --data "$IA" sync "$(srv_url file file)"
out_has "file: its 2 records went" "^sync with file://.*: 2 record\(s\) sent"
pushed file "$FILE_REPO"
R=$T/receiver-file
receiver "$R"
ok "file: the receiver syncs by URL" lts --data "$R" sync "$(srv_url file file)"
out_has "file: it received A's 2 records" "2 received"

#### git://

if srv_git_daemon; then
	srv_bare git >/dev/null
	transport git "$(srv_url git git)"
else
	fail "git daemon starts" "$SRV_WHY"
fi

#### ssh://

srv_sshd
src=$?
if [ "$src" -eq 0 ]; then
	ssh_unwind on
	srv_bare ssh >/dev/null
	SSH_URL=$(srv_url ssh ssh)
	transport ssh "$SSH_URL" --ssh-key "$SRV_SSH_KEY" \
	    --known-hosts "$SRV_SSH_KNOWN_HOSTS"
	ok "remote list shows the ssh remote's files" \
	    lt --data "$IA" remote list --json
	is "ssh: the key and known_hosts are kept by absolute path" \
	    "$(json '[r["options"] for r in d if r["name"] == "ssh"]' <"$T/out")" \
	    "[{\"ssh_key\": \"$SRV_SSH_KEY\", \"known_hosts\": \"$SRV_SSH_KNOWN_HOSTS\"}]"

	# The host key: neither in the remote's file nor in ~/.ssh.
	srv_bare ssh-unknown >/dev/null
	printf '[127.0.0.1]:%s %s\n' "$SRV_SSH_PORT" \
	    "$(cut -d ' ' -f 1,2 "$SRV_SSH_BAD_PUB")" >"$T/wrong_known_hosts"
	ok "ssh: a remote whose known_hosts has another key for the host" \
	    lt --data "$IA" remote add ssh-unknown "$(srv_url ssh ssh-unknown)" \
	    --ssh-key "$SRV_SSH_KEY" --known-hosts "$T/wrong_known_hosts"
	fails 1 "ssh: an unknown host key is refused" \
	    lts --data "$IA" sync ssh-unknown
	err_has "ssh: ... saying the host key is not known" \
	    "^lantian: .*host key is not in the known_hosts"
	is "ssh: nothing was pushed there" \
	    "$(git --git-dir="$SRV_REPOS/ssh-unknown.git" for-each-ref | wc -l | tr -d ' ')" 0
	ok "ssh: a remote with a key but no known_hosts at all" \
	    lt --data "$IA" remote add ssh-nokh "$(srv_url ssh ssh-unknown)" \
	    --ssh-key "$SRV_SSH_KEY"
	fails 1 "ssh: the host is unknown: refused" lts --data "$IA" sync ssh-nokh
	err_has "ssh: ... saying so" "host key is not in the known_hosts"

	# A key sshd does not accept: a bounded number of tries.
	ok "ssh: a remote with a key the server refuses" \
	    lt --data "$IA" remote add ssh-badkey "$(srv_url ssh ssh-unknown)" \
	    --ssh-key "$SRV_SSH_BAD_KEY" --known-hosts "$SRV_SSH_KNOWN_HOSTS"
	fails 1 "ssh: a refused key fails" lts --data "$IA" sync ssh-badkey
	soon "ssh: ... without hanging"
	err_has "ssh: ... saying authentication failed" \
	    "^lantian: .*(authentication|Authentication)"

	# ssh-agent, and the host key from ~/.ssh/known_hosts.
	if srv_ssh_agent; then
		mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
		cp "$SRV_SSH_KNOWN_HOSTS" "$HOME/.ssh/known_hosts"
		srv_bare ssh-agent >/dev/null
		transport ssh-agent "$(srv_url ssh ssh-agent)"
		rm -f "$HOME/.ssh/known_hosts"
		srv_stop agent
	else
		fail "ssh-agent starts" "$SRV_WHY"
	fi
	ssh_unwind off
elif [ "$src" -eq 77 ]; then
	skip "ssh transports" "$SRV_WHY"
else
	fail "sshd starts" "$SRV_WHY"
fi

#### http:// and https://localhost: user and password file

printf '%s\n' "$SRV_HTTP_PASS" >"$T/http-password"
printf 'not-the-password\n' >"$T/wrong-password"
HTTP_URL=
if srv_http; then
	srv_bare http >/dev/null
	HTTP_URL=$(srv_url http http)
	transport http "$HTTP_URL" --user "$SRV_HTTP_USER" \
	    --password-file "$T/http-password"
	check "http: the password is not stored, only its file" sh -c \
	    "! grep -a -q -F '$SRV_HTTP_PASS' '$IA/lantian.db'"

	ok "http: a remote with a wrong password" \
	    lt --data "$IA" remote add http-wrong "$HTTP_URL" \
	    --user "$SRV_HTTP_USER" --password-file "$T/wrong-password"
	_tries=$(denied http)
	fails 1 "http: a wrong password fails" lts --data "$IA" sync http-wrong
	soon "http: ... after a bounded number of tries, not a hang"
	err_has "http: ... saying authentication failed, and how often" \
	    "^lantian: .*authentication failed 3 times: check the credentials"
	is "http: the server saw 3 tries with the wrong password" \
	    "$(($(denied http) - _tries))" 3
	ok "http: a remote without credentials" \
	    lt --data "$IA" remote add http-none "$HTTP_URL"
	fails 1 "http: no credentials fails" lts --data "$IA" sync http-none
	soon "http: ... at once"
	err_has "http: ... saying which options give them" \
	    "^lantian: .*--user U --password-file F"
else
	fail "lighttpd (http) starts" "$SRV_WHY"
fi

if srv_https; then
	srv_bare https >/dev/null
	HTTPS_URL=$(srv_url https https)
	transport https "$HTTPS_URL" --user "$SRV_HTTP_USER" \
	    --password-file "$T/http-password" --ca-file "$SRV_CA_FILE"
	ok "https: a remote without the test CA" \
	    lt --data "$IA" remote add https-noca "$HTTPS_URL" \
	    --user "$SRV_HTTP_USER" --password-file "$T/http-password"
	fails 1 "https: an untrusted certificate is refused" \
	    lts --data "$IA" sync https-noca
	err_has "https: ... saying so, and how to trust it" \
	    "^lantian: .*certificate.*(--ca-file|trusted)"
	ok "https: a remote with a wrong password" \
	    lt --data "$IA" remote add https-wrong "$HTTPS_URL" \
	    --user "$SRV_HTTP_USER" --password-file "$T/wrong-password" \
	    --ca-file "$SRV_CA_FILE"
	_tries=$(denied https)
	fails 1 "https: a wrong password fails" lts --data "$IA" sync https-wrong
	soon "https: ... after a bounded number of tries"
	err_has "https: ... saying authentication failed" \
	    "^lantian: .*authentication failed 3 times"
	is "https: the server saw 3 tries" "$(($(denied https) - _tries))" 3
else
	fail "lighttpd (https) starts" "$SRV_WHY"
fi

#### A server that is not there

if [ -n "$SRV_GIT_URL_BASE" ]; then
	srv_stop daemon
	fails 1 "git: a server that is down fails" lts --data "$IA" sync git
	soon "git: ... at once"
	err_has "git: ... naming the URL" "^lantian: git://127\.0\.0\.1:[0-9]+/git\.git: fetch: "
	ok "the failure is noted for the home screen" \
	    sqlite3 "$IA/lantian.db" "SELECT value FROM settings WHERE key = 'sync.last_result'"
	out_has "as failed with that remote" "^failed with git: "
fi

#### remote list, remove

ok "remote list" lt --data "$IA" remote list
out_has "names the stick with its path" "^stick	$STICK$"
out_has "and the http remote with its user and password file" \
    "^http	$HTTP_URL	.*\"user\":\"$SRV_HTTP_USER\""
fails 1 "remote add of a name taken fails" \
    lt --data "$IA" remote add stick "$T/other.git" --create
err_has "it says so" "^lantian: remote stick: already there"
fails 1 "remote add of a bad name fails" \
    lt --data "$IA" remote add "no/such" "$STICK"
ok "remote remove" lt --data "$IA" remote remove stick
ok "remote list after it" lt --data "$IA" remote list
check "the stick is gone from the list" sh -c "! grep -q '^stick	' '$T/out'"
check "its repository is left alone" \
    git --git-dir="$STICK" rev-parse -q --verify "refs/heads/devices/$KA"
fails 1 "remote remove of it again fails" lt --data "$IA" remote remove stick
err_has "no such remote" "^lantian: remote stick: no such remote"
fails 1 "sync with a removed remote fails" lts --data "$IA" sync stick
err_has "naming it" "^lantian: remote stick: no such remote"
fails 2 "remote with no subcommand is a usage error" lt --data "$IA" remote

done_testing
