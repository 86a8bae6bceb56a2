#!/bin/sh
# The TUI's first run: no data directory, no key.  The setup screen asks
# name, badge and the passphrase twice, says what is wrong, never shows
# the passphrase, and leaves a key that signs with that passphrase.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/new
PASS='correct horse 蓝天 staple'	# the same as $PASSFILE's

tui_start "$D" en
wait_for "without a data directory the TUI starts with the setup" \
    'First start: your signing key'
screen_has "it asks the name" 'Your name'
screen_has "the badge" 'Badge number'
screen_has "the passphrase" 'Passphrase \(protects your signing key\)'
screen_has "and the passphrase again" 'The passphrase again'
screen_has "the key bar names Enter" 'Enter next line / create the key'
check "nothing is created before the key is" test ! -e "$D/keys/device.key"

# Name and badge missing.
keys Enter Enter Enter Enter
wait_for "without a name it says both are needed" \
    'Your name and badge number are both needed'
type_text 张伟
keys Enter
type_text XY-017
keys Enter
wait_for "the name typed in Chinese stays in its line" '^ +张伟 *$'

# Too short.
type_text 'short'
wait_for "the passphrase shows as stars" '^ +\*{5} *$'
screen_lacks "and never as its text" 'short'
keys Enter
type_text 'short'
keys Enter
wait_for "a short passphrase is refused" \
    'The passphrase is too short: at least 8 characters'

# Two that differ: both are cleared and asked again.
keys C-u
type_text "$PASS"
keys Enter
type_text 'correct horse 蓝天 stapel'
keys Enter
wait_for "two passphrases that differ are refused" \
    'The two passphrases differ: type them again'
screen_lacks "no passphrase text is on the screen" 'horse|staple|stapel|蓝天 st'
check "still no key" test ! -e "$D/keys/device.key"

type_text "$PASS"
wait_for "the passphrase with Chinese in it shows as stars too" \
    '^ +\*{23} *$'
keys Enter
type_text "$PASS"
keys Enter
wait_for "the key is made and home is shown" \
    'Your key is ready. Choose a site to inspect with s.'
screen_has "home: the drafts" 'Drafts in progress \(0\)'
screen_has "the title bar names the inspector and badge" \
    'Lantian 蓝天 · Home +张伟 XY-017 *$'
tui_quit "q quits with status 0"

check "the key is in the data directory" test -s "$D/keys/device.key"
check "sealed" test "$(stat -c %a "$D/keys/device.key")" = 600
check "with its public half" test -s "$D/keys/device.pub"
is "the store knows the inspector" "$(sql "$D" \
    "SELECT value FROM settings WHERE key = 'name'")" 张伟
is "and the badge" "$(sql "$D" \
    "SELECT value FROM settings WHERE key = 'badge'")" XY-017
lt_sites "$D"
answers ban "$COAL_BAN"
ok "the passphrase typed in the TUI signs a record (lantian inspect)" \
    lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-H-101 --form coal-ban --answers "$A" \
    --passphrase-file "$PASSFILE"
fails 1 "and another passphrase does not" lt --data "$D" inspect --ack-name 赵厂长 \
    --ack-role 负责人 --site XY-H-101 --form coal-ban --answers "$A" \
    --passphrase-file "$WRONGPASS"
ok "lantian verify" lt --data "$D" verify

# Again: the key is there, so home comes at once.
tui_start "$D" en
wait_for "the next start goes straight home" 'Lantian 蓝天 · Home'
screen_lacks "no setup" 'First start'
tui_quit "q quits"

# Esc leaves the setup without a key.
tui_start "$T/left" en
wait_for "setup again in another directory" 'First start: your signing key'
type_text 王
keys Escape
if _tui_wait '^EXITED [0-9]+'; then
	screen_has "Esc leaves the setup, status 0" '^EXITED 0$'
else
	fail "Esc leaves the setup"
	_tui_diag
fi
check "and no key is left behind" test ! -e "$T/left/keys/device.key"
tui_clean "no sanitizer report"

# In Chinese: the setup is where a new inspector starts.
tui_start "$T/zh" zh
wait_for "setup in Chinese: the title" "^ $(zh 'Lantian 蓝天') · $(zh 'First start: your signing key')"
type_text 李娜
keys Enter
type_text XY-018
keys Enter
type_text 'passphrase 密码'
keys Enter
type_text 'passphrase 密码'
keys Enter
wait_for "the Chinese home follows" '进行中的草稿（0 份）'
screen_has "the title bar names 李娜" '李娜 XY-018 *$'
screen_has "the keys in Chinese" 's 站点'
tui_quit "q quits"
check "her key is made" test -s "$T/zh/keys/device.key"
printf 'passphrase 密码\n' >"$T/pass2"
lt_sites "$T/zh"
ok "her passphrase signs" lt --data "$T/zh" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-H-101 \
    --form coal-ban --answers "$A" --passphrase-file "$T/pass2"

done_testing
