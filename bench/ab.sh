#!/usr/bin/env bash
# A/B of two gateways on one path, in alternating rounds: for a change too small for run.sh's one-shot table to show
# through this machine's noise (two builds, or one build under two sets of JVM options).
#
# Both gateways run at once against run.sh's nginx upstream; each round runs wrk at 16 connections then at 1 on A and
# B, the order swapped every round, and the medians over the rounds are printed: req/s and the serving process's CPU
# time per request at 16 connections, p50 at 1.
#
# Settings (env): A_DIR, B_DIR (the repository: its target/model-gateway.jar; or a directory laid out as run.sh's
# BASELINE), A_OPTS, B_OPTS (JVM options; by default -Xmx512m and what deploy/Dockerfile ships in JDK_JAVA_OPTIONS),
# A_JAVA, B_JAVA (java: the runtime each runs on), MODEL (llama: the OpenAI-compatible path; codestral,
# claude-bedrock, gpt-4o), ROUNDS (4), DURATION (5s), WARMUP (40s per gateway at 16 connections, then 5 s at one), OUT
# (a temp dir), A_PORT/B_PORT (18080/18082; management ports one above), UPSTREAM_PORT (18091). Needs wrk and nginx
# (run.sh installs them). All medians of one run compare; runs at different times do not (the machine drifts).
#   e.g. the collector: A_OPTS=-Xmx512m B_OPTS="-Xmx512m -XX:+UseParallelGC" bench/ab.sh
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
SHIPPED_JAVA_OPTS=$(sed -n 's/^ENV JDK_JAVA_OPTIONS="\(.*\)"$/\1/p' deploy/Dockerfile)
A_DIR=${A_DIR:-$REPO}
B_DIR=${B_DIR:-$REPO}
A_OPTS=${A_OPTS:--Xmx512m $SHIPPED_JAVA_OPTS}
B_OPTS=${B_OPTS:--Xmx512m $SHIPPED_JAVA_OPTS}
MODEL=${MODEL:-llama}
ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-40s}
A_PORT=${A_PORT:-18080}
B_PORT=${B_PORT:-18082}
UPSTREAM_PORT=${UPSTREAM_PORT:-18091}
OUT=${OUT:-$(mktemp -d /tmp/model-gateway-ab.XXXXXX)}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in wrk "$NGINX"; do
    command -v "$tool" >/dev/null || { echo "needs $tool: bench/run.sh installs it" >&2; exit 1; }
done
for port in $A_PORT $((A_PORT + 1)) $B_PORT $((B_PORT + 1)) $UPSTREAM_PORT; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
        echo "port $port on 127.0.0.1 is taken: set A_PORT, B_PORT, UPSTREAM_PORT" >&2
        exit 1
    fi
done
if [ ! -f target/model-gateway.jar ] || [ -n "$(find src/main pom.xml -newer target/model-gateway.jar -print -quit)" ]; then
    echo "building target/model-gateway.jar" >&2
    mvn -B -ntp -q -DskipTests package >&2
fi

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$OUT/upstream.pid" ] && kill "$(cat "$OUT/upstream.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
# shellcheck source=bench/common.sh
. bench/common.sh
fill() { sed -e "s|@DIR@|$OUT|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" -e "s|@REPO@|$REPO|g" "$1" > "$2"; }
fill bench/nginx-upstream.conf "$OUT/nginx-upstream.conf"
fill bench/models.yaml "$OUT/models.yaml"
"$NGINX" -q -c "$OUT/nginx-upstream.conf" -p "$OUT" -g 'daemon on;'

# a directory with target/model-gateway.jar (a checkout) or model-gateway.jar (run.sh's BASELINE layout)
start() { # name dir port opts java
    local jar=target/model-gateway.jar
    [ -f "$2/$jar" ] || jar=model-gateway.jar
    # shellcheck disable=SC2086
    (cd "$2" && GATEWAY_RELOAD_ENABLED=false start_gateway "$3" $(($3 + 1)) "$5" $4 -jar $jar) > "$OUT/$1.log" 2>&1 &
    PIDS+=($!)
    eval "${1}_PID=$!"
}
start A "$A_DIR" "$A_PORT" "$A_OPTS" "${A_JAVA:-java}"
start B "$B_DIR" "$B_PORT" "$B_OPTS" "${B_JAVA:-java}"
wait_port "$UPSTREAM_PORT"; wait_port "$A_PORT"; wait_port "$B_PORT"

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
run() { # name port pid connections
    local before after result requests
    before=$(ticks "$3")
    result=$(MODEL=$MODEL wrk -t1 -c"$4" -d"$DURATION" --latency -s bench/chat.lua \
        "http://127.0.0.1:$2/v1/chat/completions" | grep RESULT)
    after=$(ticks "$3")
    requests=$(echo "$result" | sed -E 's/.*requests=([0-9]+).*/\1/')
    echo "$1 c$4 $(echo "$result" | sed -E 's/RESULT p50=([0-9]+) p99=[0-9]+ rps=([0-9]+) .*errors=([0-9]+).*/p50=\1 rps=\2 errors=\3/') cpu_us=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
}
echo "A: $A_DIR, ${A_JAVA:-java} $A_OPTS"
echo "B: $B_DIR, ${B_JAVA:-java} $B_OPTS"
for t in "A $A_PORT" "B $B_PORT"; do
    set -- $t
    MODEL=$MODEL wrk -t2 -c16 -d"$WARMUP" -s bench/chat.lua "http://127.0.0.1:$2/v1/chat/completions" >/dev/null
    MODEL=$MODEL wrk -t1 -c1 -d5s -s bench/chat.lua "http://127.0.0.1:$2/v1/chat/completions" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="A B"; else order="B A"; fi
    for c in 16 1; do
        for name in $order; do
            if [ "$name" = A ]; then run A "$A_PORT" "$A_PID" "$c"; else run B "$B_PORT" "$B_PID" "$c"; fi
        done
    done
done | tee "$OUT/runs.txt"
echo
awk '{ split($3, p, "="); split($4, r, "="); split($5, e, "="); split($6, u, "=");
       k = $1 " " $2; n[k]++; P[k, n[k]] = p[2]; R[k, n[k]] = r[2]; U[k, n[k]] = u[2]; E[k] += e[2] }
     function median(a, k, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[k, i]
         for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
         return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
     END { for (k in n) printf "%s: median of %d runs: p50 %s us, %s req/s, CPU %s us/req, errors %d\n",
               k, n[k], median(P, k, n[k]), median(R, k, n[k]), median(U, k, n[k]), E[k] }' "$OUT/runs.txt" | sort
