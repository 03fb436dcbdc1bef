#!/usr/bin/env bash
# Prints the runtime class path of iamdb-core, everything an application gets beside its JDBC driver: one line per
# jar with its size in KiB, largest first, then the total. docs/performance.md shows its output.
set -euo pipefail
cd "$(dirname "$0")/.."
classpath=$(mktemp)
trap 'rm -f "$classpath"' EXIT
# Through the reactor, so that core's test-scoped siblings (the testkits) need not be installed first; core is
# built last, so the file ends up holding its class path. Maven's output goes to stderr: even quiet, Maven 3.8 writes
# terminal reset codes to stdout, which would stick to the first line of the list.
mvn -B -q -Dstyle.color=never -pl core -am package -DskipTests dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$classpath" >&2
{ tr ':' '\n' < "$classpath"; echo; ls core/target/iamdb-core-*.jar | grep -v -e sources -e tests; } \
  | grep . | while read -r jar; do echo "$(( $(stat -c %s "$jar") / 1024 )) $(basename "$jar")"; done \
  | sort -nr | awk '{ total += $1; n++; print } END { printf "total: %.2f MB in %d jars\n", total / 1024, n }'
