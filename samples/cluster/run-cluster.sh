#!/usr/bin/env bash
# The cluster sample by hand: a throw-away redis-server, two ClusterFeedNode instances sharing the
# feed through it, a FeedProducer, and feed-cli given both node URLs (with --resume). Kill a node
# (the script prints the command, or use --kill-after) and watch feed-cli fail over without a gap
# or a repeat. Everything listens on 127.0.0.1 only and is stopped when the script exits.
#
# Usage: samples/cluster/run-cluster.sh [--rate N] [--kill-after SECONDS] [-- FEED-CLI-ARGS...]
#   --rate N            ticker entries per second (default 10)
#   --kill-after S      kill node A (SIGKILL) S seconds after feed-cli connected to it
#   -- ARGS             passed to feed-cli after the URLs (default: --type ticker,system)
# Needs: JDK 17+, redis-server on the PATH (Debian/Ubuntu: apt-get install redis-server), and
# samples/target/feed-cli.jar (built here if missing: mvn -q -pl samples -am package -DskipTests).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/samples/target/feed-cli.jar"
rate=10
kill_after=""
cli_args=(--type ticker,system)

while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --kill-after) kill_after="$2"; shift 2 ;;
    --) shift; cli_args=("$@"); break ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-cluster: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v redis-server >/dev/null || { echo "run-cluster: redis-server not found (apt-get install redis-server)" >&2; exit 1; }
if [ ! -f "$jar" ]; then
  echo "run-cluster: building $jar" >&2
  (cd "$root" && mvn -q -pl samples -am package -DskipTests)
fi

work="$(mktemp -d -t steadysocket-cluster.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do { wait "$pid"; } 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to 20 s for a line matching $2 in file $1 and prints it.
await_line() {
  for _ in $(seq 200); do
    if line="$(grep -m1 -E "$2" "$1" 2>/dev/null)"; then echo "$line"; return 0; fi
    sleep 0.1
  done
  echo "run-cluster: no '$2' in $1 within 20 s:" >&2; cat "$1" >&2; return 1
}

# A port nothing listens on (redis-server fails loudly if it was taken in the meantime).
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --daemonize no --logfile "$work/redis.log" &
pids+=($!)
await_line "$work/redis.log" "Ready to accept connections" >/dev/null
redis="127.0.0.1:$port"

java=(java -cp "$jar")
"${java[@]}" dev.steadysocket.samples.cluster.ClusterFeedNode --redis "$redis" --name A >"$work/node-a.log" 2>&1 &
pids+=($!); pid_a=$!
"${java[@]}" dev.steadysocket.samples.cluster.ClusterFeedNode --redis "$redis" --name B >"$work/node-b.log" 2>&1 &
pids+=($!); pid_b=$!
port_a="$(await_line "$work/node-a.log" '^LISTENING ' | cut -d' ' -f2)"
port_b="$(await_line "$work/node-b.log" '^LISTENING ' | cut -d' ' -f2)"
"${java[@]}" dev.steadysocket.samples.cluster.FeedProducer --redis "$redis" --rate "$rate" >"$work/producer.log" 2>&1 &
pids+=($!)

url_a="ws://127.0.0.1:$port_a/"
url_b="ws://127.0.0.1:$port_b/"
{
  echo "run-cluster: redis $redis; node A $url_a (pid $pid_a); node B $url_b (pid $pid_b); producer $rate/s"
  echo "run-cluster: logs in $work; fail over with:  kill -9 $pid_a   (Ctrl-C ends everything)"
} >&2

if [ -n "$kill_after" ]; then
  (
    await_line "$work/node-a.log" 'connected, online' >/dev/null
    sleep "$kill_after"
    echo "run-cluster: killing node A (pid $pid_a)" >&2
    kill -9 "$pid_a" 2>/dev/null
  ) &
  pids+=($!)
fi

status=0
java -jar "$jar" "$url_a" --failover "$url_b" --resume --ack --max-backoff 2 "${cli_args[@]}" || status=$?
exit "$status"
