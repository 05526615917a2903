#!/usr/bin/env bash
# ext2ctl.sh EXT2CTL - tools/ext2ctl end to end on a mke2fs image: put, get,
# cat, ls, mkdir, mv, rm, stat, and a failing command exiting 1 with a
# message; put of a host directory or of an unreadable file fails loudly;
# ls lists a directory whose children's full paths pass 4096 bytes.  Ends
# with e2fsck -fn clean.  TAP output.
set -u
ctl=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { # name command...
	local name=$1; shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then echo "ok $n - $name"
	else echo "not ok $n - $name"; sed 's/^/# /' "$tmp/out" | head -5; fi
}
echo "1..12"
mkdir -p "$tmp/src/sub" && echo hello > "$tmp/src/sub/greeting"
head -c 300000 /dev/urandom > "$tmp/blob"
mke2fs -q -F -t ext2 -b 1024 -d "$tmp/src" "$tmp/img" 4M >/dev/null 2>&1
img=$tmp/img
t ext2ctl_cat_reads_mke2fs_file bash -c "[ \"\$('$ctl' '$img' cat /sub/greeting)\" = hello ]"
t ext2ctl_put_then_get_roundtrips bash -c "'$ctl' '$img' put '$tmp/blob' /blob &&
	'$ctl' '$img' get /blob '$tmp/back' && cmp '$tmp/blob' '$tmp/back'"
t ext2ctl_mkdir_and_mv_move_files bash -c "'$ctl' '$img' mkdir /d /d/e &&
	'$ctl' '$img' mv /blob /d/e/moved && '$ctl' '$img' ls /d/e | grep -q ' 300000 moved$'"
t ext2ctl_stat_prints_size bash -c "'$ctl' '$img' stat /d/e/moved | grep -q 'size 300000 '"
t ext2ctl_rm_removes_files_and_empty_dirs bash -c "'$ctl' '$img' rm /d/e/moved /d/e &&
	! '$ctl' '$img' ls /d | grep -q ."
t ext2ctl_missing_file_fails_with_message bash -c "! '$ctl' '$img' cat /nope 2>'$tmp/err' &&
	grep -q 'No such file or directory' '$tmp/err'"
t ext2ctl_rm_of_nonempty_dir_fails bash -c "! '$ctl' '$img' rm /sub 2>/dev/null"
t ext2ctl_bad_usage_exits_2 bash -c "'$ctl' '$img' frob /x 2>/dev/null; [ \$? = 2 ]"
t ext2ctl_put_of_host_directory_fails_creating_nothing bash -c "
	! '$ctl' '$img' put '$tmp/src' /srcdir 2>'$tmp/err' && grep -q 'Is a directory' '$tmp/err' &&
	! '$ctl' '$img' stat /srcdir 2>/dev/null"
# /proc/self/mem is a regular file whose first read fails (EIO).
t ext2ctl_put_reports_read_errors bash -c "
	! '$ctl' '$img' put /proc/self/mem /mem 2>'$tmp/err' && grep -q 'read error' '$tmp/err'"
# 16 directories of 250-byte names (4,016 bytes), then a 200-byte child:
# made on the host relative to each level, since its full path is too long.
long=$(printf 'd%.0s' $(seq 250)); child=$(printf 'c%.0s' $(seq 200))
mkdir -p "$tmp/deep"
(cd "$tmp/deep" && for i in $(seq 16); do mkdir "$long" && cd "$long"; done && echo x > "$child")
mke2fs -q -F -t ext2 -b 1024 -d "$tmp/deep" "$tmp/deep.img" 4M >/dev/null 2>&1
deepdir=$(for i in $(seq 16); do printf '/%s' "$long"; done)
t ext2ctl_ls_lists_children_past_4096_bytes bash -c "
	'$ctl' '$tmp/deep.img' ls '$deepdir' | grep -q ' 2 $child\$'"
t ext2ctl_leaves_image_fsck_clean e2fsck -fn "$img"
