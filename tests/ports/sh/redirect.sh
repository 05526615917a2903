# redirect.sh - dash's redirections, here-documents and pipelines, the same
# on the host and on Mica (shell-diff.scenario).  Files go to /tmp.
t=/tmp/shdiff.$$
echo first > $t; echo second >> $t; cat $t
cat < $t | tr a-z A-Z
{ echo grouped; echo lines; } > $t; cat $t
cat <<END
here $((2 + 2)) document
  keeps leading spaces
END
cat <<'END'
quoted $delimiter keeps $this
END
cat <<-END
	tabs are stripped
	END
echo to-stderr 1>&2
exec 3> $t; echo via-fd-3 >&3; exec 3>&-; cat $t
# (A program's end is reported on the console as it happens: a line is
# finished by the shell's builtins before one ends.)
printf '3\n1\n2\n' | sort | while read l; do printf '%s-' "$l"; done > $t
read -r line < $t; echo "$line"
echo $(printf 'a\nb\n' | wc -l)
read first rest <<END
alpha beta gamma
END
echo "$first/$rest"
rm -f $t
exit 0
