# shell.sh - dash (ports/dash, docs/ports.md) on Mica: the shell language,
# and what it leans on the C library and the process server for (fork,
# exec keeping the descriptor table, pipes, files, wait statuses), as TAP
# lines.  dash.scenario runs it with `spawn /bin/sh /share/shell.sh`.
PATH=/bin
n=0
check() { # what got want
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "sh: ok $n - $1"
	else
		echo "sh: not ok $n - $1: got '$2', want '$3'"
	fi
}
upper() { lua -e 'io.write((io.read("a"):upper()))'; }
dir=/tmp   # no mkdir or rm on the disk yet: the files stay

x=abc; y="$x def"
check "variables and quoting" "$y" "abc def"
check "parameter expansion" "${x#a}|${x%c}|${#y}|${unset:-dflt}" "bc|ab|7|dflt"
check "arithmetic" "$((6 * 7)) $((17 % 5)) $(((1 << 10) - 1))" "42 2 1023"
if [ "$x" = abc ] && ! [ 1 -gt 2 ]; then r=then; else r=else; fi
check "if, test, !" "$r" "then"
i=0 s=
while [ $i -lt 5 ]; do s=$s$i; i=$((i + 1)); done
check "while" "$s" "01234"
s=
for w in a "b c" d; do s="$s[$w]"; done
check "for" "$s" "[a][b c][d]"
kind() { case $1 in [0-9]*) echo number ;; *.sh) echo script ;; *) echo other ;; esac; }
check "case and functions" "$(kind 42) $(kind x.sh) $(kind y)" "number script other"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
check "recursion through command substitution" "$(fact 10)" "3628800"
check "nested command substitution" "$(echo $(echo inner) outer)" "inner outer"

check "a pipeline of builtins" "$(echo one two | { read a b; echo $b $a; })" "two one"
check "a pipeline into an external program" "$(echo hello | upper)" "HELLO"
check "external programs on both sides" "$(lua -e 'print("a b c")' | upper)" "A B C"
check "three stages" "$(printf 'x\ny\n' | upper | { read l; read m; echo $m$l; })" "YX"

echo first > $dir/sh.f
echo second >> $dir/sh.f
check "> and >>, read back with <" "$(upper < $dir/sh.f)" "FIRST
SECOND"
check "2>&1 reaches an exec'd program" "$(lua -e 'io.stderr:write("to stderr\n")' 2>&1)" "to stderr"
lua -e 'io.stderr:write("err\n") io.write("out\n")' > $dir/o 2> $dir/e
check "> and 2> to two files" "$(upper < $dir/o)$(upper < $dir/e)" "OUTERR"
exec 5> $dir/sh.five
echo through five >&5
exec 5>&-
check "exec 5> and >&5" "$(upper < $dir/sh.five)" "THROUGH FIVE"
check "a here-document into an external program" "$(upper <<END
line $x
END
)" "LINE ABC"
check "a quoted here-document" "$(cat_() { while read -r l; do echo "$l"; done; }; cat_ <<'END'
$x $(nothing)
END
)" '$x $(nothing)'

false
check "\$? of false" "$?" "1"
lua -e 'os.exit(9)'
check "\$? of an exec'd program" "$?" "9"
( exit 3 )
check "\$? of a subshell" "$?" "3"
r=$( (set -e; false; echo not here) ; echo "status $?")
check "set -e ends the shell at a failure" "$r" "status 1"
nothing-at-all-here 2> $dir/err
check "a missing command is 127" "$?" "127"
check "and says so" "$(read -r l < $dir/err; case $l in *nothing-at-all-here*"not found"*) echo said ;; *) echo "$l" ;; esac)" "said"
sh -c 'exit 7'
check "sh -c 'exit 7'" "$?" "7"
check "sh -c with \$0 and \$1" "$(sh -c 'echo $0 $1' zero one)" "zero one"
check "sh -c of a pipeline" "$(sh -c 'echo piped | lua -e "io.write(io.read(\"a\"))"')" "piped"
check "sh SCRIPT ARGS" "$(echo 'echo $# $2' > $dir/s.sh; sh $dir/s.sh a b c)" "3 b"
lua -e 'print("back")' > $dir/bg &
wait $!
check "a background job and wait" "$? $(upper < $dir/bg)" "0 BACK"
cd $dir && check "cd, pwd" "$(pwd)" "$dir" && cd /

echo "sh: 1..$n"
