#!/usr/bin/env bash
# Acknowledged durable signed partner events per second and p50/p99 latency at the same wrk load
# (-t2 -c32), in the same run, alternating rounds, for:
#   node            the Node.js baseline receiver (`--store group --group-ms 0`: fsync before the answer)
#   intrvio         `intrvio --headless`: SQLite inbox, group commit, committed before the 2xx; the
#                   stored events are not processed (INTRVIO_TEST_HOLD_INBOX=1): the same durable work
#                   as the baseline, so the ratio line compares these two
#   intrvio+process the same, also processing every stored event while it ingests (pipeline, outbox
#                   rows), as the service does; work the baseline does not do
# Also prints each server's CPU time (utime + stime, all threads) per acknowledged event, which
# depends much less on how busy the machine is than events/s. intrvio's includes the work it does once
# the load stops (the deferred checkpoint; for intrvio+process the rest of the processing).
# Usage: bench/webhook/run.sh [path/to/intrvio]
# Env: BENCH_SECONDS (15), BENCH_ROUNDS (2), BENCH_CONNECTIONS (32), BENCH_PROCESSING (1; 0 skips
# the intrvio+process server), INTRVIO_BENCH_BASELINE (dir).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${INTRVIO_IN_KEYRING_SESSION:-}" ]; then
  exec "$repo/scripts/keyring-session.sh" "$0" "$@"
fi
intrvio=$(realpath "${1:-$repo/build/bench/app/intrvio}")
baseline=${INTRVIO_BENCH_BASELINE:-$repo/../shared/bench/webhook-baseline}
seconds=${BENCH_SECONDS:-15}
rounds=${BENCH_ROUNDS:-2}
conns=${BENCH_CONNECTIONS:-32}
processing=${BENCH_PROCESSING:-1}
for tool in wrk node; do
  command -v $tool >/dev/null || { echo "bench: $tool missing (apt-get install -y wrk nodejs)" >&2; exit 3; }
done
[ -x "$intrvio" ] || { echo "bench: $intrvio not built" >&2; exit 3; }
[ -f "$baseline/node_receiver.js" ] || { echo "bench: baseline not found in $baseline" >&2; exit 3; }

work=$(mktemp -d -t intrvio-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

export TT_SIGNING_SECRET=bench-signing-secret-0a9b8c7d6e5f4a3b2c1d0e9f
export TT_PROVIDER_KEY=bench-provider-key-5f0c1d9a7e3b4c2d8a6f
cp "$baseline/sample_body.json" "$baseline/post.lua" "$work/"
echo "bench: generating signed event ids..."
# Fresh ids for every round (wrk rereads its id file from the start), shared by the servers: each
# server sees each id once.
for r in $(seq "$rounds"); do (cd "$work" && node "$baseline/gen_ids.js" ids "r$r" 2 $((seconds * 12000))); done
(cd "$work" && node "$baseline/gen_ids.js" ids warm 2 20000)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Node baseline
node_port=$(free_port)
node "$baseline/node_receiver.js" --port "$node_port" --store group --group-ms 0 --file "$work/node.log" \
  --bench-fixed-t >"$work/node.out" 2>&1 &
node_pid=$!
pids+=($node_pid)

# intrvio, keys in the private keyring of this session (both instances read the same keys)
start_intrvio() { # name hold -> sets port and pid variables <name>_port / <name>_pid
  local data="$work/$1-data" port
  if [ ! -d "$data" ]; then
    printf '%s' "$TT_SIGNING_SECRET" | "$intrvio" --data-dir "$data" secret set webhook-secret >/dev/null
    printf '%s' "$TT_PROVIDER_KEY" | "$intrvio" --data-dir "$data" secret set provider-key >/dev/null
  fi
  port=$(free_port)
  INTRVIO_TEST_HOLD_INBOX=$2 INTRVIO_BENCH_IGNORE_SKEW=1 QT_LOGGING_RULES="intrvio.webhook.info=false" \
    "$intrvio" --headless --data-dir "$data" --listen "127.0.0.1:$port" >"$work/$1.out" 2>&1 &
  pids+=($!)
  printf -v "$1_port" '%s' "$port"
  printf -v "$1_pid" '%s' "$!"
}
start_intrvio ours 1
servers=(node ours)
if [ "$processing" != 0 ]; then
  start_intrvio proc 0
  servers+=(proc)
fi

for name in "${servers[@]}"; do
  port_var="${name}_port"
  for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${!port_var}/readyz" || true)
    [ "$code" = 200 ] || [ "$code" = 404 ] && break
    sleep 0.1
  done
done

cat >"$work/parse_wrk.py" <<'PY'
import re, sys
secs = float(sys.argv[1]); t = sys.stdin.read()
def ms(v):
    n, u = re.match(r'([\d.]+)(us|ms|s)', v).groups(); n = float(n)
    return n / 1000 if u == 'us' else n * 1000 if u == 's' else n
reqs = int(re.search(r'(\d+) requests in', t).group(1))
non2xx = int(re.search(r'Non-2xx or 3xx responses: (\d+)', t).group(1)) if 'Non-2xx' in t else 0
errs = re.search(r'Socket errors: (.*)', t)
p50 = ms(re.search(r'\s50%\s+(\S+)', t).group(1)); p99 = ms(re.search(r'\s99%\s+(\S+)', t).group(1))
# Server CPU (user + system, all threads) per acknowledged event: independent of how busy the shared
# machine is, so it is the fair same-run comparison when wall-clock numbers drift.
cpu_us = (int(sys.argv[3]) - int(sys.argv[2])) * 1e6 / int(sys.argv[4])
acks = reqs - non2xx
print(f"{acks / secs:.0f} {p50:.2f} {p99:.2f} {non2xx} {cpu_us / max(acks, 1):.1f}"
      + (f" errors:{errs.group(1).replace(' ', '')}" if errs else ""))
PY
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of the whole process
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2 }'; }
# intrvio defers work past the answers: checkpoints wait for a pause in deliveries, and intrvio+process
# processes what it stored. Wait for that work before reading the CPU time (it is part of the cost) and
# before the next server's round (it must not run on that server's time).
settle() { # name port
  for _ in $(seq 1200); do
    [ "$(metric "$2" intrvio_inbox_wal_pending_frames)" = 0 ] \
      && { [ "$1" != proc ] || [ "$(metric "$2" intrvio_inbox_depth)" = 0 ]; } && return
    sleep 0.1
  done
  echo "bench: $1 did not settle within 120 s" >&2
}
run_wrk() { # name port idset seconds pid -> prints "acks/s p50 p99 non2xx cpu-us/event"
  local before after
  before=$(cpu_ticks "$5")
  (cd "$work" && wrk -t2 -c"$conns" -d"$4"s --latency -s post.lua "http://127.0.0.1:$2/webhook" -- "$3") \
    >"$work/wrk-$1-$3.txt"
  [ "$1" = node ] || settle "$1" "$2"
  after=$(cpu_ticks "$5")
  python3 "$work/parse_wrk.py" "$4" "$before" "$after" "$clk_tck" <"$work/wrk-$1-$3.txt"
}

echo "bench: machine load before: $(uptime)"
echo "bench: warm-up"
declare -A results
for name in "${servers[@]}"; do
  port_var="${name}_port"; pid_var="${name}_pid"
  run_wrk "$name" "${!port_var}" warm 3 "${!pid_var}" >/dev/null
done
for r in $(seq "$rounds"); do
  echo "bench: round $r/$rounds (${seconds}s each, -t2 -c$conns)"
  for name in "${servers[@]}"; do
    port_var="${name}_port"; pid_var="${name}_pid"
    line=$(run_wrk "$name" "${!port_var}" "r$r" "$seconds" "${!pid_var}")
    results[$name]+="$line;"
    printf '  %-16s: %s\n' "$name" "$line"
  done
done
echo "bench: (columns: acks/s p50-ms p99-ms non-2xx cpu-us/event)"
echo "bench: machine load after: $(uptime)"

# The inbox writer's WAL safety valve (InboxTuning::maxWalFrames): each catch-up paused commits.
echo "bench: WAL catch-ups (writer paused to checkpoint): intrvio $(metric "$ours_port" intrvio_inbox_wal_catchups_total)$( \
  [ "$processing" != 0 ] && echo ", intrvio+process $(metric "$proc_port" intrvio_inbox_wal_catchups_total)")"

# Durability check: every acknowledged intrvio request is a committed inbox row.
rows() { sqlite3 "file:$work/$1-data/intrvio.sqlite?mode=ro" "SELECT count(*) FROM inbox" 2>/dev/null || echo "?"; }
processed=$( [ "$processing" != 0 ] && sqlite3 "file:$work/proc-data/intrvio.sqlite?mode=ro" \
  "SELECT count(*) FROM inbox_processing WHERE processed_at IS NOT NULL" 2>/dev/null || echo "-")

python3 - "$(rows ours)" "$( [ "$processing" != 0 ] && rows proc || echo -)" "$processed" \
  "${results[node]}" "${results[ours]}" "${results[proc]:-}" <<'PY'
import statistics, sys
ours_rows, proc_rows, processed = sys.argv[1:4]
def summary(joined):
    vals = [r.split() for r in joined.split(';') if r.strip()]
    if not vals:
        return None
    return (statistics.median(float(v[0]) for v in vals), statistics.median(float(v[1]) for v in vals),
            statistics.median(float(v[2]) for v in vals), sum(int(v[3]) for v in vals),
            statistics.median(float(v[4]) for v in vals))
n, o, p = (summary(a) for a in sys.argv[4:7])
print()
print("webhook ingest, acknowledged durable signed partner events (median of rounds)")
print(f"{'':17}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'CPU us/ev':>11}")
for name, r in (("node", n), ("intrvio", o), ("intrvio+process", p)):
    if r:
        print(f"{name:17}{r[0]:>10.0f}{r[1]:>9.2f}{r[2]:>9.2f}{r[3]:>9}{r[4]:>11.1f}")
print(f"ratio intrvio/node (same durable work): {o[0] / n[0]:.2f}x throughput, p99 {o[2]:.2f} ms vs "
      f"{n[2]:.2f} ms, server CPU per event {o[4] / n[4]:.2f}x ({o[4]:.1f} vs {n[4]:.1f} us)")
if p:
    print(f"ratio intrvio+process/node: {p[0] / n[0]:.2f}x throughput, p99 {p[2]:.2f} ms, "
          f"server CPU per event {p[4] / n[4]:.2f}x")
print(f"intrvio inbox rows committed: {ours_rows}" + (f"; intrvio+process: {proc_rows} committed, "
      f"{processed} processed" if p else ""))
PY
