#!/usr/bin/env bash
# gdb_test.sh - `make debug` works: QEMU waits for gdb, gdb loads the
# kernel's and a boot program's symbols and stops at kern_main.
build=${1:-build}
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
printf 'bt 1\ninfo symbol main\nkill\n' > "$cmds"
# A port of its own, so that a `make debug` running meanwhile is no matter.
port=$((20000 + RANDOM % 20000))
out=$(GDB_PORT=$port GDB_BATCH=$cmds timeout 120 tools/debug "$build/kern/mica.elf" "$build/kern/mica.elf32" "" "$build/tests/qemu/hello" 2>&1)
echo "1..2"
if grep -q 'Breakpoint 1, kern_main' <<<"$out"; then echo "ok 1 - gdb stops at kern_main"; else echo "not ok 1 - gdb stops at kern_main"; printf '%s\n' "$out" | sed 's/^/# /' | tail -20; fi
if grep -q 'main in section .text' <<<"$out"; then echo "ok 2 - gdb knows the boot program's symbols"; else echo "not ok 2 - gdb knows the boot program's symbols"; fi
