#!/bin/sh
# Run the installed vdsoconf cases, in the manner of the kernel's
# run_kselftest.sh: one KTAP document on stdout, each case a subtest.
#   run_vdsoconf.sh [-l] [-t CASE]... [-o TIMEOUT]
#   -l          list the cases
#   -t CASE     run only CASE (repeatable)
#   -o SECONDS  per-case timeout (default: vdsoconf/settings, else 120)
# Exit status: 0 when no case failed, 1 otherwise.
set -u
BASE=$(cd "$(dirname "$0")" && pwd)
# the kernel's runner.sh reads the same file for the same setting
timeout_s=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$BASE/vdsoconf/settings" 2>/dev/null | tail -1)
timeout_s=${timeout_s:-120}
only=""
while getopts "lt:o:h" opt; do
	case $opt in
	l) sed 's/^vdsoconf://' "$BASE/vdsoconf-list.txt"; exit 0 ;;
	t) only="$only $OPTARG" ;;
	o) timeout_s=$OPTARG ;;
	*) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
cases=""
for c in $(sed 's/^vdsoconf://' "$BASE/vdsoconf-list.txt"); do
	if [ -z "$only" ] || echo " $only " | grep -q " $c "; then
		cases="$cases $c"
	fi
done
# (class data machine) of an ELF file, empty for anything else: what
# decides whether a program is of another ABI than the shell running us
elf_abi() {
	od -An -tu1 -N20 "$1" 2>/dev/null | awk '
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			if (n == 20 && b[0] == 127 && b[1] == 69 && b[2] == 76 && b[3] == 70)
				print b[4], b[5], b[5] == 1 ? b[18] + 256 * b[19] : 256 * b[18] + b[19]
		}'
}
self_abi=$(elf_abi /proc/$$/exe)
# A kernel without a program's ABI (x32 without CONFIG_X86_X32_ABI, i386
# without IA32 emulation) refuses to exec it, and the shell, or the
# execvp() of timeout(1), then reads the binary as a script and exits 2
# (or 126): which would pass for an XFAIL.  Every case starts with a KTAP
# header; without one, another ABI than the shell's (which this kernel
# evidently runs) is that refusal, a skip, and exit 2 is not an XFAIL.
has_header() {
	grep -q '^ *K\{0,1\}TAP version' "$1"
}
foreign() {
	theirs=$(elf_abi "$1")
	[ -n "$self_abi" ] && [ -n "$theirs" ] && [ "$theirs" != "$self_abi" ]
}
n=$(echo $cases | wc -w)
[ "$n" -gt 0 ] || { echo "run_vdsoconf.sh: no case selected" >&2; exit 2; }
echo "KTAP version 1"
echo "1..$n"
i=0
failed=0
for c in $cases; do
	i=$((i + 1))
	echo "# vdsoconf: $c"
	out=$(mktemp)
	if command -v timeout >/dev/null; then
		timeout "$timeout_s" "$BASE/vdsoconf/$c" >"$out" 2>&1
	else
		"$BASE/vdsoconf/$c" >"$out" 2>&1
	fi
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && ! has_header "$out"; then
		if foreign "$BASE/vdsoconf/$c"; then
			echo "ok $i vdsoconf:$c # SKIP this kernel cannot execute $c (exec format error): its ABI is not configured"
			rm -f "$out"
			continue
		fi
		[ "$rc" = 2 ] && rc="2, without KTAP output"
	fi
	sed 's/^/  /' "$out"
	rm -f "$out"
	case $rc in
	0) echo "ok $i vdsoconf:$c" ;;
	4) echo "ok $i vdsoconf:$c # SKIP" ;;
	2) echo "ok $i vdsoconf:$c # XFAIL" ;;
	124) echo "not ok $i vdsoconf:$c # TIMEOUT ${timeout_s} seconds"; failed=1 ;;
	*) echo "not ok $i vdsoconf:$c # exit=$rc"; failed=1 ;;
	esac
done
exit $failed
