# expand.sh - dash's expansions, the same on the host and on Mica
# (shell-diff.scenario): parameters, quoting, fields, globbing-free words.
a=apple b="two words" e=
echo "$a|$b|${#b}|${e:-empty}|${e-unset}|${u:-unset}|${u:=set}|$u"
echo "${a#a}|${a##*p}|${a%e}|${a%%p*}|${b#* }"
set -- one "two three" four
echo "$#|$1|$2|$3"
for w in "$@"; do printf '[%s]' "$w"; done; echo
for w in $*; do printf '<%s>' "$w"; done; echo
IFS=:; x=a:b::c; for w in $x; do printf '{%s}' "$w"; done; echo; unset IFS
echo 'single $a' "double $a" \$a "$(echo cmd $a)" `echo back`
echo "$((3 + 4 * 2)) $(( (3 + 4) * 2 )) $((10 / 3)) $((10 % 3)) $((1 << 4)) $((7 & 3)) $((-5 + 2))"
i=5; : $((i += 3)); echo $i $((i > 7)) $((i == 8 ? 100 : 200))
shift 2; echo "after shift: $# $1"
exit 3
