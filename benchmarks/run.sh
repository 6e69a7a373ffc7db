#!/usr/bin/env bash
# Builds the benchmarks and runs the whole suite, writing results/results.json, results.csv,
# table.md and chart.svg. Arguments go to the suite, e.g.:
#   benchmarks/run.sh --quick                 # a few minutes on 2 cores
#   benchmarks/run.sh --quick --only inbound  # one figure
#   benchmarks/run.sh                         # the full run
# Run it on an otherwise idle machine: every figure is sensitive to other load on the cores.
set -euo pipefail
cd "$(dirname "$0")/.."

# Figure 5 holds 10,000 sockets in one JVM (and the server's 10,000 ends in another): raise the
# open-file limit as far as this shell may (the hard limit; root could go further with ulimit -Hn).
hard=$(ulimit -Hn)
if [ "$hard" = "unlimited" ]; then ulimit -n 1048576 || true; else ulimit -n "$hard"; fi
echo "open-file limit: $(ulimit -n)"

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -q -pl benchmarks -am package -DskipTests
fi
java ${BENCH_JAVA_OPTS:-} -jar benchmarks/target/benchmarks.jar --out benchmarks/results "$@"
