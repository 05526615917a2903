# toybox.sh - toybox (ports/toybox, docs/ports.md) on Mica: every command
# Mica takes from it, run by dash as /bin/NAME, its output compared with
# the expected text, as TAP lines; and Mica's own clip (bin/clip).  The files are made, copied, moved and
# removed under /tmp/tb on the ext2 disk (toybox.scenario checks the disk
# with e2fsck afterwards).  The shell's builtins (echo, printf, test,
# true, false, kill) are bypassed by naming /bin/NAME.
export PATH=/bin   # exported: toybox's env and xargs look along it
n=0
check() { # what got want
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "toybox: ok $n - $1"
	else
		echo "toybox: not ok $n - $1: got '$2', want '$3'"
	fi
}
d=/tmp/tb
rm -rf $d
mkdir -p $d/sub/deeper
cd $d
# (A pipeline of three inside $(...) is one process level more than a
# program's quota reaches yet (docs/ports.md): such output goes to a file.)
find . -type d | sort > $d/out
check "mkdir -p" "$(tr '\n' ' ' < out)" ". ./sub ./sub/deeper "
rm out

/bin/echo alpha > a.txt
/bin/printf 'beta\ngamma\nalpha\nbeta\n' >> a.txt
check "echo, printf, cat" "$(cat a.txt | tr '\n' ' ')" "alpha beta gamma alpha beta "
check "printf formats" "$(/bin/printf '%05d|%s|%x' 42 x 255)" "00042|x|ff"
check "echo -n and -e" "$(/bin/echo -n 'a'; /bin/echo -e 'b\tc')" "$(printf 'ab\tc')"
check "wc" "$(wc -l < a.txt) $(wc -c < a.txt) $(wc -w < a.txt)" "5 28 5"
check "head" "$(head -n 2 a.txt | tr '\n' ' ')" "alpha beta "
check "tail" "$(tail -n 1 a.txt)" "beta"
check "sort" "$(sort a.txt | tr '\n' ' ')" "alpha alpha beta beta gamma "
check "sort -r -u" "$(sort -ru a.txt | tr '\n' ' ')" "gamma beta alpha "
check "sort -n" "$(/bin/printf '10\n9\n100\n' | sort -n | tr '\n' ' ')" "9 10 100 "
check "uniq -c" "$(sort a.txt | uniq -c | tr -s ' ' | tr '\n' '|')" " 2 alpha| 2 beta| 1 gamma|"
check "cut" "$(echo 'root:x:0:0' | cut -d: -f1,3)" "root:0"
check "cut -c" "$(echo abcdef | cut -c2-4)" "bcd"
check "tr" "$(echo hello | tr a-z A-Z) $(echo aabbcc | tr -d b) $(echo aaa | tr -s a)" "HELLO aacc a"
check "grep" "$(grep -c beta a.txt) $(grep -v a a.txt | wc -l) $(grep -n gamma a.txt)" "2 0 3:gamma"
check "grep -E, egrep, fgrep" "$(grep -E '^(al|ga)' a.txt | wc -l) $(egrep -c 'b.t' a.txt) $(fgrep -c '.' a.txt)" "3 2 0"
check "grep -r" "$(echo needle > sub/deeper/n.txt; grep -rl needle . )" "./sub/deeper/n.txt"
check "sed s///g" "$(echo banana | sed 's/a/o/g')" "bonono"
check "sed -n p, d" "$(sed -n '3p' a.txt) $(sed '/beta/d' a.txt | tr '\n' ' ')" "gamma alpha gamma alpha "
sed -i 's/gamma/delta/' a.txt
check "sed -i" "$(sed -n 3p a.txt)" "delta"
check "od" "$(/bin/printf 'AB\n' | od -An -tx1 | tr -s ' ')" " 41 42 0a"
check "od -c" "$(/bin/printf 'hi' | od -c | head -n 1 | tr -s ' ')" "0000000 h i"
check "cksum" "$(echo hello | cksum)" "3015617425 6"
check "test" "$(/bin/test 3 -gt 2 && echo yes) $(/bin/test -f a.txt && echo file) $(/bin/test -d a.txt || echo notdir)" "yes file notdir"
check "[ ]" "$(/bin/test abc = abc; echo $?)$(/bin/test -z abc; echo $?)" "01"
check "seq" "$(seq 3 | tr '\n' ' ')$(seq -s, 1 2 7)" "1 2 3 1,3,5,7"
check "seq -w" "$(seq -w 8 10 | tr '\n' ' ')" "08 09 10 "
A=1 B=two env | grep -E '^(A|B)=' > /tmp/tb.out
check "env" "$(sort /tmp/tb.out | tr '\n' ' ')" "A=1 B=two "
check "env -u" "$(B=two env -u B | grep -c '^B=')" "0"
/bin/true; t=$?; /bin/false; f=$?
check "true, false" "$t $f" "0 1"
check "basename, dirname" "$(basename /x/y/z.txt .txt) $(basename /x/y/) $(dirname /x/y/z.txt) $(dirname z)" "z y /x/y ."
check "xargs" "$(echo a b c | xargs echo)" "a b c"
check "xargs -n" "$(seq 30 | xargs -n 7 echo | tail -n 1)" "29 30"
check "xargs runs a program" "$(/bin/printf 'x\ny\n' | xargs /bin/echo z)" "z x y"
# xargs keeps each command below ARG_MAX (16,384 bytes with the
# environment, less the 4,096 toybox keeps free, counting a pointer per
# argument): 13,893 bytes of numbers take more than one /bin/echo.
seq 3000 | xargs /bin/echo > /tmp/tb.out
check "xargs splits below ARG_MAX" "$([ $(wc -l < /tmp/tb.out) -gt 1 ] && echo split) $(wc -w < /tmp/tb.out) $(tail -c 5 /tmp/tb.out)" \
	"split 3000 3000"
# -s 30: "echo" and 1..11, then eight of two digits at a time, then 100.
check "xargs -s" "$(seq 100 | xargs -s 30 echo | wc -l) $(seq 100 | xargs -s 30 echo | head -n 1)" "13 1 2 3 4 5 6 7 8 9 10 11"
find /share -name 'people.txt' | xargs grep -c '^ada:' > /tmp/tb.out
check "find | xargs grep" "$(cat /tmp/tb.out)" "1"
# dash execs a program with 8,893 bytes of arguments.
check "8,893 bytes of arguments" "$(/bin/echo $(seq 2000) | wc -c)" "8893"
check "date" "$(date -u -d @86400 +%Y-%m-%d) $(date -u -d @0 '+%H:%M:%S')" "1970-01-02 00:00:00"
check "date now" "$(date +%Y | grep -c '^20[0-9][0-9]$')" "1"
check "date +%s" "$(date -u -d @1700000000 +%s) $(s=$(date +%s); date -u -d @$s +%s | grep -c "^$s\$")" "1700000000 1"
check "date -d" "$(date -u -d '2024-01-02 03:04:05' +%s) $(date -u -d '2024-01-02 03:04' +%s)" "1704164645 1704164640"
check "date -D (strptime)" "$(date -u -D %Y%m%d%H%M -d 202401020304 +%s)" "1704164640"
check "date: its own output back" "$(date -u -d 'Tue Nov 14 22:13:20 GMT 2023' +%s)" "1700000000"
check "printf of 64 bits" "$(/bin/printf '%d %x %o' 9223372036854775807 4294967296 8)" "9223372036854775807 100000000 10"
check "seq past 32 bits" "$(seq 4294967296 4294967297 | tr '\n' ' ')" "4294967296 4294967297 "
check "od -t d8, u8" "$(/bin/printf 'ABCDEFGH' | od -An -td8 | tr -s ' ') $(/bin/printf '\377\377\377\377\377\377\377\377' | od -An -tu8 | tr -s ' ')" \
	" 5208208757389214273  18446744073709551615"
A=7 env | grep -c '^A=7$' > /tmp/tb.out
check "env NAME=VALUE COMMAND" "$(env A=1 B=two env | grep -E '^(A|B)=' | sort | tr '\n' ' ')$(cat /tmp/tb.out)" "A=1 B=two 1"
# (root gives every program MICA_CAPS and MICA_PID: docs/processes.md)
check "env -i COMMAND" "$(env -i A=1 env | grep -v '^MICA_')" "A=1"
check "env COMMAND's status" "$(env false; echo $?) $(env /bin/nothing 2> /dev/null; echo $?)" "1 127"

cp a.txt b.txt
check "cp" "$(cat b.txt | wc -l) $(cmp_ok=$(cksum < a.txt); [ "$cmp_ok" = "$(cksum < b.txt)" ] && echo same)" "5 same"
cp -r sub sub2
check "cp -r" "$(find sub2 | sort | tr '\n' ' ')" "sub2 sub2/deeper sub2/deeper/n.txt "
mv b.txt c.txt
check "mv" "$(ls | tr '\n' ' ')" "a.txt c.txt sub sub2 "
mv sub2 sub/moved
check "mv a directory" "$(ls sub | tr '\n' ' ')" "deeper moved "
ls -a > ls.out
check "ls -a" "$(tr '\n' ' ' < ls.out)" ". .. a.txt c.txt ls.out sub "
check "ls -d, -1, -F" "$(ls -1F | tr '\n' ' ')" "a.txt c.txt ls.out sub/ "
rm ls.out
check "ls -l" "$(ls -l a.txt | cut -d' ' -f1)" "-rw-r--r--"
ln c.txt hard.txt
check "ln (hard)" "$(stat -c %h c.txt) $(cat hard.txt | wc -l)" "2 5"
ln -s a.txt soft.txt
check "ln -s" "$(/bin/test -L soft.txt && echo link) $(head -n 1 soft.txt) $(stat -c %N soft.txt)" "link alpha soft.txt -> 'a.txt'"
chmod 750 c.txt
check "chmod" "$(stat -c %a c.txt)" "750"
chmod u-w,o+r c.txt
check "chmod symbolic" "$(stat -c %A c.txt)" "-r-xr-xr--"
check "stat" "$(stat -c '%s %F' a.txt) $(stat -c %F sub)" "28 regular file directory"
touch new.txt
check "touch (create)" "$(stat -c %s new.txt)" "0"
touch -r /share/people.txt new.txt
check "touch -r" "$(stat -c %Y new.txt)" "$(stat -c %Y /share/people.txt)"
touch -t 202401020304.05 new.txt
check "touch -t" "$(stat -c %Y new.txt)" "1704164645"
touch -t 01020304 new.txt
check "touch -t MMDDhhmm (this year)" "$(date -u -r new.txt +%m%d%H%M%S) $(date -u -r new.txt +%Y)" "0102030400 $(date -u +%Y)"
touch -d 2024-01-02T03:04:05 new.txt
check "touch -d" "$(stat -c %Y new.txt)" "1704164645"
touch -m -d @1000000000 new.txt
check "touch -m (atime kept)" "$(stat -c '%Y %X' new.txt)" "1000000000 1704164645"
touch -a -d @1100000000 new.txt
check "touch -a (mtime kept)" "$(stat -c '%Y %X' new.txt)" "1000000000 1100000000"
echo tee-line | tee t1.txt t2.txt > /dev/null
check "tee" "$(cat t1.txt t2.txt | tr '\n' ' ')" "tee-line tee-line "
echo more | tee -a t1.txt > /dev/null
check "tee -a" "$(wc -l < t1.txt)" "2"
yes ab 2> /dev/null | head -n 3 > /tmp/tb.out
check "yes" "$(tr '\n' ' ' < /tmp/tb.out)" "ab ab ab "
find . -name '*.txt' | sort > /tmp/tb.out
check "find -name" "$(tr '\n' ' ' < /tmp/tb.out)" "./a.txt ./c.txt ./hard.txt ./new.txt ./soft.txt ./sub/deeper/n.txt ./sub/moved/deeper/n.txt ./t1.txt ./t2.txt "
find . -type f -size +0 -name 't*' | sort > /tmp/tb.out
check "find -type f -size" "$(tr '\n' ' ' < /tmp/tb.out)" "./t1.txt ./t2.txt "
check "find -exec" "$(find sub -name n.txt -exec cat {} \; | tr '\n' ' ')" "needle needle "
check "du -s" "$(du -s sub | cut -f2)" "sub"
check "df" "$(df / | head -n 1 | cut -d' ' -f1) $(df / | tail -n 1 | tr -s ' ' | cut -d' ' -f6)" "Filesystem /"
s0=$(date +%s)
sleep 1
s1=$(date +%s)
check "sleep" "$([ $s1 -gt $s0 ] && echo later)" "later"
check "sleep fraction" "$(sleep 0.1 && echo slept)" "slept"
check "kill -l" "$(/bin/kill -l 9) $(/bin/kill -l 15)" "KILL TERM"
# The sleep is the shell's child, not /bin/kill's: any program may
# signal it (docs/processes.md, signals between programs).
sleep 30 &
p=$!
/bin/kill $p
check "kill of another's child" "$?" "0"
wait $p
check "... it ended by SIGTERM" "$?" "143"
/bin/kill $p 2> /tmp/tb.out
check "kill of a process that is gone fails" "$?" "1"
rm soft.txt hard.txt
check "rm" "$(ls | tr '\n' ' ')" "a.txt c.txt new.txt sub t1.txt t2.txt "
rm -f nothing-here
check "rm -f (missing)" "$?" "0"
rm nothing-here 2> /dev/null
check "rm (missing) fails" "$?" "1"
rmdir sub/deeper 2> /dev/null
check "rmdir (not empty) fails" "$?" "1"
rm -r sub/moved
rm sub/deeper/n.txt
rmdir sub/deeper sub
check "rm -r, rmdir" "$(ls | tr '\n' ' ')" "a.txt c.txt new.txt t1.txt t2.txt "
cat nothing-here 2> /dev/null
check "cat (missing) fails" "$?" "1"
check "toybox lists its commands" "$(toybox | tr ' ' '\n' | grep -c -x -E 'cat|sed|grep|find|yes')" "5"
# Mica's own clip (bin/clip), beside the utilities it is used with.
seq 20 > lines
check "clip FILE START COUNT" "$(clip lines 5 3 | tr '\n' ' ')" "5 6 7 "
check "clip - reads standard input (a pipe)" "$(cat lines | clip - 5 5 | tr '\n' ' ')" "$(sed -n 5,9p lines | tr '\n' ' ')"
check "clip past the end prints what there is" "$(clip lines 19 5 | tr '\n' ' ')" "19 20 "
check "clip COUNT 0 prints nothing" "$(clip lines 1 0; echo $?)" "0"
check "clip of the last line without a newline" "$(/bin/printf 'a\nb' | clip - 2 1)" "b"
clip nothing-here 1 1 2> err
check "clip of a missing file: status 1, the reason" "$? $(cat err)" "1 clip: nothing-here: No such file or directory"
clip lines 0 1 2> /dev/null
check "clip START 0: status 2" "$?" "2"
clip lines 1 2> /dev/null
check "clip with two arguments: status 2" "$?" "2"
clip lines 1 x 2> /dev/null
check "clip COUNT not a number: status 2" "$?" "2"
rm lines err
# What stays on the disk for the scenario's e2fsck: a small tree.
mkdir kept
seq 1000 > kept/numbers
check "the kept file" "$(tail -n 1 kept/numbers) $(wc -l < kept/numbers)" "1000 1000"
rm /tmp/tb.out
echo "toybox: done $n"
echo "toybox: 1..$n"
