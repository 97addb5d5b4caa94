#!/bin/sh
# Turn what run_vdsoconf.sh printed (one KTAP document, each case a
# subtest) into LAVA test cases: one test set per case, one test case per
# test point, named as vdsoconf names points, plus "run", the case's own
# result.  POSIX sh and awk only, as a busybox system has them.
#   ktap-to-lava.sh [-n] [FILE]     (default: standard input)
#   -n   print the lava-test-set and lava-test-case calls, run nothing
# Results: ok is pass, ok # SKIP (or not ok # SKIP) skip, ok # XFAIL (a
# known kernel divergence the case recognised) pass, anything else fail,
# XPASS included.  Where a point's diagnostics carry its main figure (see
# the rules in the awk program), it becomes the measurement.
# Characters LAVA cannot take in a name (anything but letters, digits,
# ".", "-" and "_") become "_".
# Exit status: 0 once every point is reported, 1 when the input holds no
# case at all, 2 on usage errors.
set -u
dry=0
while getopts "nh" opt; do
	case $opt in
	n) dry=1 ;;
	*) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || { echo "ktap-to-lava.sh: one input file at most" >&2; exit 2; }
input=${1:--}
[ "$input" = - ] || [ -r "$input" ] || { echo "ktap-to-lava.sh: cannot read $input" >&2; exit 2; }

calls=$(awk '
function clean(s) { gsub(/[^A-Za-z0-9._-]/, "_", s); return s }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# (result, measurement, units) of a point from its line and diagnostics
function verdict(ok, directive) {
	d = toupper(directive)
	if (d ~ /^SKIP/) return "skip"
	if (!ok) return "fail"
	if (d ~ /^XPASS/) return "fail"
	return "pass"
}
# The figure that says how a point went, where its diagnostics carry one:
# the tightest syscall-to-syscall bracket, the largest step between
# readings, the largest warp between CPUs, the share of profiling samples
# that landed in vDSO code.
function figure(name, diag) {
	if (name ~ /^clock\.bracket\./ && match(diag, /smallest [0-9]+ ns/))
		return substr(diag, RSTART + 9, RLENGTH - 12) " ns"
	if (name ~ /^clock\.sequence\./ && match(diag, /consecutive syscall readings [0-9]+ ns/))
		return substr(diag, RSTART + 29, RLENGTH - 32) " ns"
	if (name ~ /^warp\./ && match(diag, /largest [0-9]+ ns/))
		return substr(diag, RSTART + 8, RLENGTH - 11) " ns"
	if (name ~ /^pc\.sample\./ && match(diag, /[0-9]+% in vDSO code/))
		return substr(diag, RSTART, index(substr(diag, RSTART), "%") - 1) " %"
	return ""
}

# one case: lines[1..n] with their depth below the case (0: its points)
function flush_case(    i, j, d, f, diag) {
	# a nested subtest prints its points before its own result line:
	# walking backwards, the last result seen one level up is the parent
	delete parent; delete seen; delete counts
	for (d = 0; d < 64; d++) up[d] = 0
	for (i = n; i >= 1; i--) {
		d = depth[i]
		if (kind[i] == "result") {
			parent[i] = d > 0 ? up[d - 1] : 0
			up[d] = i
			if (rname[i] != "") counts[rname[i]]++
		} else if (kind[i] == "header" && d > 0) {
			up[d - 1] = 0
		}
	}
	# names as the runner gives them: parents take theirs first
	for (i = 1; i <= n; i++) if (kind[i] == "result" && parent[i] == 0) visit(i)
	# reported in the order printed: children before their parent
	for (i = 1; i <= n; i++) {
		if (kind[i] != "result") continue
		diag = ""
		for (j = i - 1; j >= 1 && !(kind[j] == "result" && depth[j] == depth[i]) && \
		     !(kind[j] == "header" && depth[j] == depth[i]); j--)
			if (kind[j] == "diag" && depth[j] == depth[i]) diag = text[j] " " diag
		f = figure(final[i], diag)
		emit(final[i], verdict(rok[i], rdir[i]), f)
	}
}
function visit(i,    nm, base, u, c) {
	if (parent[i] == 0)
		nm = rname[i] != "" ? rname[i] : cname "." rnum[i]
	else if (rname[i] ~ /\./ && counts[rname[i]] == 1)
		nm = rname[i]
	else
		nm = final[parent[i]] "/" (rname[i] != "" ? rname[i] : rnum[i])
	base = nm; u = 1
	while (nm in seen) { u++; nm = base "#" u }
	seen[nm] = 1
	final[i] = nm
	for (c = 1; c <= n; c++) if (kind[c] == "result" && parent[c] == i) visit(c)
}
function emit(name, result, f,    parts) {
	line = "lava-test-case " clean(name) " --result " result
	if (f != "") { split(f, parts, " "); line = line " --measurement " parts[1] " --units " parts[2] }
	print line
}
function parse_result(s, r,    ok, rest, hash) {
	ok = (s ~ /^ok /)
	rest = ok ? substr(s, 4) : substr(s, 8)
	r["num"] = rest; sub(/ .*/, "", r["num"])
	rest = substr(rest, length(r["num"]) + 1)
	hash = index(rest, " # ")
	if (rest ~ /^ # /) hash = 1
	r["dir"] = hash ? trim(substr(rest, hash + 3)) : ""
	r["name"] = trim(hash ? substr(rest, 1, hash - 1) : rest)
	r["ok"] = ok
}

BEGIN { cases = 0; cname = ""; n = 0 }
{ sub(/\r$/, "") }
# the top level: a case begins with its "# vdsoconf: NAME" line, ends with
# its own result line
/^# vdsoconf: / { cname = substr($0, 13); n = 0; next }
/^(ok|not ok) [0-9]+ vdsoconf:/ {
	parse_result($0, r)
	own = r["name"]; sub(/^vdsoconf:/, "", own)
	print "lava-test-set start " clean(own)
	if (own == cname) flush_case()
	print "lava-test-case run --result " verdict(r["ok"], r["dir"])
	print "lava-test-set stop"
	cases++; cname = ""; n = 0
	next
}
cname != "" && /^  / {
	s = substr($0, 3)
	ind = match(s, /[^ ]/) - 1
	if (ind < 0) next
	s = substr(s, ind + 1)
	++n; depth[n] = int(ind / 2); kind[n] = "other"
	if (s ~ /^(ok|not ok) [0-9]+/) {
		parse_result(s, r)
		kind[n] = "result"; rok[n] = r["ok"]; rnum[n] = r["num"]
		rname[n] = r["name"]; rdir[n] = r["dir"]
	} else if (s ~ /^K?TAP version/) {
		kind[n] = "header"
	} else if (s ~ /^#/) {
		kind[n] = "diag"; text[n] = substr(s, 2)
	}
}
END { if (!cases) exit 1 }
' "$input") || { echo "ktap-to-lava.sh: no vdsoconf case in the input" >&2; exit 1; }

if [ "$dry" = 1 ]; then
	printf '%s\n' "$calls"
	exit 0
fi
# the calls are made of cleaned names and fixed words: safe to split
printf '%s\n' "$calls" | while read -r cmd args; do
	# shellcheck disable=SC2086
	"$cmd" $args
done
