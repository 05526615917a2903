# check.awk - mawk from Debian's source, built with tools/mica-cc, on Mica's
# C library (ports.scenario, docs/ports.md): an awk program over a file
# (tests/ports/people.txt, NAME:DEPT:SALARY:STARTED), as TAP lines.
function ok(cond, what) {
	n++
	printf "awk: %s %d - %s\n", (cond ? "ok" : "not ok"), n, what
}
BEGIN { FS = ":" }
/^#/ { comments++; next }
{
	rows++
	total[$2] += $3
	count[$2]++
	if ($3 > maxpay) { maxpay = $3; richest = $1 }
	split($4, ymd, "-")
	if (ymd[1] < 2016) early = early $1 " "
	names = names toupper(substr($1, 1, 1))
	fields += NF
}
$1 ~ /^[a-c]/ && $2 !~ /ops/ { abc++ }
END {
	ok(comments == 1 && rows == 5 && NR == 6 && fields == 20, "records, NR and NF with FS=\":\"")
	ok(total["eng"] == 255000 && count["ops"] == 2 && !("hr" in total), "associative arrays, in")
	ok(richest == "carol" && maxpay == 135000, "numeric comparison of fields")
	ok(early == "ada carol ", "split and string comparison")
	ok(names == "ABCDE", "substr and toupper")
	ok(abc == 2, "regex match and non-match")
	ok(sprintf("%-6s|%8.2f|%05d|%x|%e", "ab", 3.14159, 42, 255, 12345.678) == \
	   "ab    |    3.14|00042|ff|1.234568e+04", "printf formats (newlib's)")
	s = "the cat sat on the mat"
	ok(gsub(/[cms]at/, "X", s) == 3 && s == "the X X on the X", "gsub with a bracket expression")
	ok(match("foo=123;", /[0-9]+/) && RSTART == 5 && RLENGTH == 3, "match, RSTART, RLENGTH")
	ok(index("hello", "ll") == 3 && length("hello") == 5, "index and length")
	ok(int(-3.7) == -3 && sqrt(16) == 4 && exp(log(10)) > 9.999999 && sin(0) == 0, "math (libm)")
	ok(10 % 3 == 1 && 2 ^ 10 == 1024 && 1e300 * 1e300 > 1e308, "arithmetic, overflow to inf without a trap")
	nk = 0
	for (k in count) nk++
	delete count["eng"]
	ok(nk == 3 && !("eng" in count), "for-in and delete")
	f = "/tmp/awk-check.txt"
	for (i = 1; i <= 100; i++) print i, i * i > f
	close(f)
	sum = 0; lines = 0
	while ((getline line < f) > 0) { lines++; split(line, p, " "); sum += p[2] }
	close(f)
	ok(lines == 100 && sum == 338350, "print > file, getline < file")
	ok((getline line < "/no/such/file") == -1, "getline of nothing is -1")
	srand(7); r = rand()
	ok(r >= 0 && r < 1, "rand")
	ok(ENVIRON["MICA_PID"] != "" && ARGV[1] ~ /people/, "ENVIRON and ARGV")
	printf "awk: 1..%d\n", n
}
