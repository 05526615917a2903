#!/usr/bin/env bash
# fs_bench.sh FS_BENCH - lib/fs beside debugfs -w (e2fsprogs) on the host:
# a 256 MiB file written and read sequentially, and 10,000 small files
# created and unlinked, each on a fresh 1 GiB ext2 image with 4 KiB blocks
# in $TMPDIR (default /tmp).  `make fs-bench` runs it; docs/fs.md has figures.
set -eu
bench=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/fsbench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
img=$dir/img
fresh() { rm -f "$img"; mke2fs -q -F -t ext2 -b 4096 "$img" 1G >/dev/null; }
secs() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'; }

head -c 256M /dev/zero | tr '\0' '\245' > "$dir/big"
printf '%100s' x > "$dir/small"
{ for i in $(seq 0 9999); do echo "write $dir/small file$i"; done
  for i in $(seq 0 9999); do echo "rm file$i"; done; } > "$dir/create.cmds"

echo "== 256 MiB sequential write"
fresh; "$bench" "$img" write /big 256
fresh; echo "debugfs write: $(secs debugfs -w -R "write $dir/big big" "$img") s"
echo "== 256 MiB sequential read"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
"$bench" "$img" read /big
echo "debugfs dump: $(secs debugfs -R "dump big $dir/out" "$img") s"
echo "== 10,000 small files created and unlinked"
fresh; "$bench" "$img" create /d 10000
fresh; echo "debugfs write+rm: $(secs debugfs -w -f "$dir/create.cmds" "$img") s"
