# control.sh - dash's control flow and exit statuses, the same on the host
# and on Mica (shell-diff.scenario).
f() { return $1; }
f 0 && echo and-ok; f 1 || echo or-ok; ! f 0; echo "not: $?"
for i in 1 2 3 4 5; do
	[ $i -eq 2 ] && continue
	[ $i -eq 5 ] && break
	printf '%s ' $i
done; echo
n=0; while [ $n -lt 3 ]; do n=$((n + 1)); done; echo "while $n"
until [ $n -eq 0 ]; do n=$((n - 1)); done; echo "until $n"
for w in x.c y.h z.txt 42; do
	case $w in *.c|*.h) echo "$w: source" ;; [0-9]*) echo "$w: number" ;; *) echo "$w: other" ;; esac
done
# Recursion through a global (nested $(...) of functions fork deeper than
# a program's quota reaches yet, docs/ports.md).
fib() { if [ $1 -lt 2 ]; then r=$1; else fib $(($1 - 1)); local a=$r; fib $(($1 - 2)); r=$((a + r)); fi; }
fib 10; echo "fib 10 = $r"
(exit 7); echo "subshell status $?"
false; echo "false $?"; true; echo "true $?"
sh -c 'exit 9'; echo "sh -c $?"
x=outer; g() { local x=inner; echo $x; }; g; echo $x
exit 5
