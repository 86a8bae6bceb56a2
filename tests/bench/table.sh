#!/bin/sh
# The scale table (issue 8): every budget of `make bench`, as the
# benchmarks measured it on the store of 1,000,000 records of 50 devices
# (or their own stores, where named), against the raw limit beside it.
# Reads the tab-separated rows the benchmarks appended to FILE.
set -u
file=${1:?usage: table.sh FILE}
[ -s "$file" ] || { echo "lantian: $file: no figures" >&2; exit 1; }
awk -F '\t' '
BEGIN {
	printf "%-50s %-24s %-30s %-18s %s\n", "budget", "measured",
	    "raw limit", "budget", "verdict"
	printf "%-50s %-24s %-30s %-18s %s\n", "------", "--------",
	    "---------", "------", "-------"
}
{
	printf "%-50s %-24s %-30s %-18s %s\n", $1, $2, $3, $4, $5
	n++
	if ($5 == "MISSED")
		missed++
}
END {
	printf "\n%d figures, %d budgets missed\n", n, missed + 0
}' "$file"
