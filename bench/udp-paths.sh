#!/usr/bin/env bash
# Native vs dgram UDP path, one anycastd each: saturation qps, then p50/p99 of both at the SAME offered load
# (dnsperf -Q at 50% of the dgram path's saturation, and at 50% of the native one's), and the native batch sizes.
# Usage (after bench/run.mjs wrote its zone and query file): flock /tmp/anycastd-bench.lock bash bench/udp-paths.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
zones=$(ls -d bench/results/tmp/zone-* 2>/dev/null | head -1)
queries=$(ls bench/results/tmp/queries-*.txt 2>/dev/null | head -1)
[ -n "$zones" ] && [ -n "$queries" ] || { echo "run node bench/run.mjs --quick --parts udp first (it writes the zone and queries)"; exit 1; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
declare -A port http pid sat
for io in dgram native; do
  port[$io]=$(free_port); http[$io]=$(free_port)
  node dist/cli/main.js serve --listen 127.0.0.1:${port[$io]} --zones "$zones" --udp-io $io --http 127.0.0.1:${http[$io]} \
    --control-socket /tmp/anycastd-udp-paths-${port[$io]}.sock --log-level warn &
  pid[$io]=$!
done
trap 'kill ${pid[dgram]} ${pid[native]} 2>/dev/null || true' EXIT
sleep 2
batches() { curl -s 127.0.0.1:${http[native]}/status | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s).workers[0].udpBatchSizes)))'; }
uptime
for io in dgram native; do
  sat[$io]=$(dnsperf -s 127.0.0.1 -p ${port[$io]} -d "$queries" -l "$secs" -c 1 -T 1 -q 500 2>&1 | awk '/Queries per second/ {print int($4)}')
  echo "$io saturation: ${sat[$io]} qps"
done
echo "native batches by size [1,2-3,4-7,8-15,16-31,32-63,64] after the saturation runs: $(batches)"
for q in $((sat[dgram] / 2)) $((sat[native] / 2)); do
  for io in dgram native; do
    # -v prints one "> RCODE name type seconds" line per response: p50/p99 come from those.
    dnsperf -s 127.0.0.1 -p ${port[$io]} -d "$queries" -l "$secs" -c 1 -T 1 -q 500 -Q $q -v 2>/dev/null \
      | awk '$1 == ">" {print $NF}' | sort -g > /tmp/anycastd-udp-paths-lat.txt || true
    n=$(wc -l < /tmp/anycastd-udp-paths-lat.txt)
    p50=$(awk -v n="$n" 'NR==int(n*0.5){printf "%.3f", $1*1000}' /tmp/anycastd-udp-paths-lat.txt)
    p99=$(awk -v n="$n" 'NR==int(n*0.99){printf "%.3f", $1*1000}' /tmp/anycastd-udp-paths-lat.txt)
    echo "-Q $q $io: $n responses, p50 $p50 ms, p99 $p99 ms"
  done
done
echo "native batches by size, cumulative: $(batches)"
uptime
