#!/usr/bin/env bash
# One bench run, side by side on this machine (it is shared and noisy: only numbers from the same run compare):
#   - the upstream alone (nginx answering fixed provider-shaped JSON), an nginx reverse proxy in front of it, and the
#     gateway on each provider path (OpenAI-compatible, Vertex, Bedrock, Azure), with wrk at 1 and 16 connections;
#   - a concurrency run: N streams held open by a local upstream after their first chunk (N=1000 by default),
#     directly, through nginx and through the gateway: how many were live at once, time to first token, RSS.
# Prints one Markdown table (and writes it to $OUT/table.md); bench/README.md's results table is pasted from it.
# Loopback only; every run is bounded. Installs what it needs (wrk, nginx-light, nodejs) with apt-get when missing.
#
# Settings (env): JAR (target/model-gateway.jar, built when missing or older than the sources), DURATION (10s) per wrk run,
# WARMUP (15s, per path and target, then 5 s at one connection), JIT_SETTLE_MAX (180: after the warm-up, rounds over
# every path go on until the gateways' JIT compiler threads are quiet, at most this many seconds), STREAMS (1000),
# JAVA_OPTS (-Xmx512m and the options deploy/Dockerfile ships in JDK_JAVA_OPTIONS), BASELINE_JAVA_OPTS (JAVA_OPTS; set
# it to compare JVM options on one build), OUT (a temp dir),
# PROFILE=1 records a JFR of the gateway ($OUT/gateway.jfr), PROFILE=perf a perf profile with kernel stacks of one
# extra OpenAI run at 16 connections ($OUT/gateway.perf.data, split by bench/perf-breakdown.py; both gateways then
# keep frame pointers, a few per cent slower), SKIP_WRK=1 runs only the concurrency run, SKIP_STREAMS=1
# only the wrk runs, ONLY="openai bedrock" limits the wrk runs to those paths. BASELINE=<dir> also runs an earlier build
# side by side ("baseline" rows): a directory holding its model-gateway.jar, lib/, routes/, prompts/ and
# application.properties (e.g. `git worktree add /tmp/b <commit> && (cd /tmp/b && mvn -q -DskipTests package &&
# cp -r target/model-gateway.jar target/lib .)`), started from that directory on BASELINE_PORT.
# PASS_THROUGH=1 (the default) also measures two floors on the OpenAI-compatible path: "camel" rows, the same jar, edge
# and JVM options serving only bench/pass-through.camel.yaml, Camel's own route that forwards the body with vertx-http;
# "vertx" rows, a bare Vert.x proxy on the same libraries and JVM options (bench/VertxPassThrough.java), no Camel.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-15s}
STREAMS=${STREAMS:-1000}
# the JVM options the image ships (deploy/Dockerfile's JDK_JAVA_OPTIONS), so the bench measures the gateway as deployed
SHIPPED_JAVA_OPTS=$(sed -n 's/^ENV JDK_JAVA_OPTIONS="\(.*\)"$/\1/p' deploy/Dockerfile)
JAVA_OPTS=${JAVA_OPTS:--Xmx512m $SHIPPED_JAVA_OPTS}
BASELINE_JAVA_OPTS=${BASELINE_JAVA_OPTS:-$JAVA_OPTS}
OUT=${OUT:-$(mktemp -d /tmp/model-gateway-bench.XXXXXX)}
UPSTREAM_PORT=${UPSTREAM_PORT:-18091}
PROXY_PORT=${PROXY_PORT:-18092}
HELD_PORT=${HELD_PORT:-18093}
GATEWAY_PORT=${GATEWAY_PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
BASELINE=${BASELINE:-}
BASELINE_PORT=${BASELINE_PORT:-18082}
BASELINE_MANAGEMENT_PORT=${BASELINE_MANAGEMENT_PORT:-18083}
PASS_THROUGH=${PASS_THROUGH:-1}
CAMEL_PORT=${CAMEL_PORT:-18084}
CAMEL_MANAGEMENT_PORT=${CAMEL_MANAGEMENT_PORT:-18085}
VERTX_PORT=${VERTX_PORT:-18086}
mkdir -p "$OUT"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- what it needs -------------------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v node >/dev/null || missing+=(nodejs)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages)" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
JAR=${JAR:-}
if [ -n "$JAR" ]; then
    : # a jar given: run that one
elif JAR=target/model-gateway.jar; [ ! -f $JAR ] || [ -n "$(find src/main pom.xml -newer $JAR -print -quit)" ]; then
    echo "building target/model-gateway.jar" >&2
    mvn -B -ntp -q -DskipTests package >&2
fi
for port in $UPSTREAM_PORT $PROXY_PORT $HELD_PORT $GATEWAY_PORT $MANAGEMENT_PORT $BASELINE_PORT $BASELINE_MANAGEMENT_PORT \
    $CAMEL_PORT $CAMEL_MANAGEMENT_PORT $VERTX_PORT; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
        echo "port $port on 127.0.0.1 is taken: set the *_PORT variables" >&2
        exit 1
    fi
done

# --- start the pieces; stop every one of them on exit ----------------------------------------------------------------
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for f in "$OUT/upstream.pid" "$OUT/proxy.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

fill() {
    sed -e "s|@DIR@|$OUT|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" \
        -e "s|@HELD_PORT@|$HELD_PORT|g" -e "s|@REPO@|$REPO|g" "$1" > "$2"
}
# shellcheck source=bench/common.sh
. bench/common.sh
ulimit -n 65536 2>/dev/null || true

fill bench/nginx-upstream.conf "$OUT/nginx-upstream.conf"
fill bench/nginx-proxy.conf "$OUT/nginx-proxy.conf"
fill bench/models.yaml "$OUT/models.yaml"
"$NGINX" -q -c "$OUT/nginx-upstream.conf" -p "$OUT" -g 'daemon on;'
"$NGINX" -q -c "$OUT/nginx-proxy.conf" -p "$OUT" -g 'daemon on;'
node bench/held-upstream.js "$HELD_PORT" & PIDS+=($!)

GATEWAY_JFR=""
if [ "${PROFILE:-0}" = 1 ]; then
    # DebugNonSafepoints: samples name the inlined method they are in, not the nearest safepoint's
    GATEWAY_JFR="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=filename=$OUT/gateway.jfr,settings=profile,delay=20s,jdk.ExecutionSample#period=1ms"
elif [ "${PROFILE:-0}" = perf ]; then
    # frame pointers let perf walk the Java stacks; the perf map (jcmd Compiler.perfmap) names the compiled methods
    command -v perf >/dev/null || { echo "PROFILE=perf needs perf (Debian: linux-perf)" >&2; exit 1; }
    GATEWAY_JFR="-XX:+PreserveFramePointer"
fi
# frame pointers cost a few per cent: the baseline keeps them too, so the rows still compare
BASELINE_OPTS=""
if [ "${PROFILE:-0}" = perf ]; then BASELINE_OPTS="-XX:+PreserveFramePointer"; fi
# shellcheck disable=SC2086
start_gateway "$GATEWAY_PORT" "$MANAGEMENT_PORT" java $JAVA_OPTS $GATEWAY_JFR -jar "$JAR" > "$OUT/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)
TARGETS=(gateway)
if [ -n "$BASELINE" ]; then
    # shellcheck disable=SC2086
    (cd "$BASELINE" && start_gateway "$BASELINE_PORT" "$BASELINE_MANAGEMENT_PORT" \
        java $BASELINE_JAVA_OPTS $BASELINE_OPTS -jar model-gateway.jar) > "$OUT/baseline.log" 2>&1 & PIDS+=($!)
    BASELINE_PID=$!
    TARGETS=(baseline gateway)
    wait_port "$BASELINE_PORT"
fi
if [ "$PASS_THROUGH" = 1 ]; then
    # the floor: Camel's own pass-through route (bench/pass-through.camel.yaml) on the same jar, edge and JVM options
    mkdir -p "$OUT/pass-through"
    fill bench/pass-through.camel.yaml "$OUT/pass-through/pass-through.camel.yaml"
    # shellcheck disable=SC2086
    GATEWAY_ROUTES_DIR=$OUT/pass-through start_gateway "$CAMEL_PORT" "$CAMEL_MANAGEMENT_PORT" \
        java $JAVA_OPTS $BASELINE_OPTS -jar "$JAR" > "$OUT/camel.log" 2>&1 &
    CAMEL_PID=$!
    PIDS+=($CAMEL_PID)
    # and the floor under Camel: a bare Vert.x proxy on the same Vert.x, Netty and JVM options (bench/VertxPassThrough.java)
    # shellcheck disable=SC2086
    java $JAVA_OPTS $BASELINE_OPTS -cp "$(dirname "$JAR")/lib/*" bench/VertxPassThrough.java "$VERTX_PORT" "$UPSTREAM_PORT" \
        > "$OUT/vertx.log" 2>&1 & VERTX_PID=$!
    PIDS+=($VERTX_PID)
    TARGETS=(vertx camel "${TARGETS[@]}")
    wait_port "$CAMEL_PORT"; wait_port "$VERTX_PORT"
fi
# serves TARGET PATH: the pass-throughs forward to the OpenAI-compatible upstream only
serves() { case $1 in camel|vertx) [ "$2" = openai ] ;; *) true ;; esac; }
wait_port "$UPSTREAM_PORT"; wait_port "$PROXY_PORT"; wait_port "$HELD_PORT"; wait_port "$GATEWAY_PORT"

# --- wrk runs ----------------------------------------------------------------------------------------------------------
chat() { printf '{"model": "%s", "messages": [{"role": "user", "content": "Hello!"}]}' "$1"; }
declare -A RESULT
# wrk_run KEY URL CONNECTIONS [MODEL [UPSTREAM_BODY]]: fills RESULT[KEY]="p50 p99 rps errors"
# CPU time (user + system, clock ticks) the serving process(es) used so far: what a request costs, whatever the load
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo $total
}
jit_ticks() {
    local total=0 t
    for t in /proc/"$1"/task/*; do
        case "$(cat "$t/comm" 2>/dev/null)" in
            C1\ Compiler*|C2\ Compiler*) total=$((total + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0))) ;;
        esac
    done
    echo $total
}
declare -A PIDS_OF
# wrk_run KEY URL CONNECTIONS [MODEL [UPSTREAM_BODY]]: fills RESULT[KEY]="p50 p99 rps errors cpu-us-per-request"
wrk_run() {
    local key=$1 url=$2 c=$3 model=${4:-llama} body=${5:-}
    local line before after requests cpu_us
    # shellcheck disable=SC2086
    before=$(cpu_ticks ${PIDS_OF[${key%%-*}]:-})
    local jit_before=0
    case ${key%%-*} in upstream|nginx) ;; *) jit_before=$(jit_ticks "${PIDS_OF[${key%%-*}]}") ;; esac
    line=$(MODEL=$model UPSTREAM_BODY=$body wrk -t1 -c"$c" -d"$DURATION" --latency -s bench/chat.lua "$url" \
        | grep '^RESULT')
    # shellcheck disable=SC2086
    after=$(cpu_ticks ${PIDS_OF[${key%%-*}]:-})
    requests=$(echo "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
    cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
    RESULT[$key]="$(echo "$line" | sed -E 's/RESULT p50=([0-9]+) p99=([0-9]+) rps=([0-9]+) requests=[0-9]+ errors=([0-9]+)/\1 \2 \3 \4/') $cpu_us"
    local jit=""; [ "$jit_before" = 0 ] || jit=" jit_ms=$(( ($(jit_ticks "${PIDS_OF[${key%%-*}]}") - jit_before) * 1000 / $(getconf CLK_TCK) ))"
    echo "  $key c=$c: $line cpu_us_per_request=$cpu_us$jit" >&2
}
# the JIT needs load for well over 10 s before C2 is done (it still compiled through a 5 s warm-up and skewed the first
# path's one-connection figures); the one-connection pass compiles that path too
warm() {
    MODEL=${2:-llama} UPSTREAM_BODY=${3:-} wrk -t2 -c16 -d"$WARMUP" -s bench/chat.lua "$1" > /dev/null
    MODEL=${2:-llama} UPSTREAM_BODY=${3:-} wrk -t1 -c1 -d5s -s bench/chat.lua "$1" > /dev/null
}

U=http://127.0.0.1:$UPSTREAM_PORT
PIDS_OF[gateway]=$GATEWAY_PID
PIDS_OF[baseline]=${BASELINE_PID:-}
PIDS_OF[camel]=${CAMEL_PID:-}
PIDS_OF[vertx]=${VERTX_PID:-}
PIDS_OF[nginx]="$(cat "$OUT/proxy.pid") $(pgrep -P "$(cat "$OUT/proxy.pid")" | tr '\n' ' ')"
PIDS_OF[upstream]="$(cat "$OUT/upstream.pid") $(pgrep -P "$(cat "$OUT/upstream.pid")" | tr '\n' ' ')"
G=http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions
B=http://127.0.0.1:$BASELINE_PORT/v1/chat/completions
declare -A TARGET_URL=([gateway]=$G [baseline]=$B [camel]=http://127.0.0.1:$CAMEL_PORT/v1/chat/completions
    [vertx]=http://127.0.0.1:$VERTX_PORT/v1/chat/completions)
# path | model | upstream URL | body the gateway sends there (roughly)
PATHS=(
    "openai|llama|$U/openai/v1/chat/completions|$(chat meta-llama/Llama-3.3-70B-Instruct)"
    "vertex|codestral|$U/vertex/v1/projects/bench/locations/us-central1/publishers/mistralai/models/codestral@2405:rawPredict|$(chat codestral)"
    "bedrock|claude-bedrock|$U/bedrock/model/us.anthropic.claude-sonnet-4-20250514-v1:0/invoke|{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}"
    "azure|gpt-4o|$U/azure/openai/deployments/gpt-4o/chat/completions|$(chat gpt-4o)"
)

echo "warming up (gateway JIT) ..." >&2
declare -A FAILED
for entry in "${PATHS[@]}"; do
    IFS='|' read -r path model url body <<< "$entry"
    [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $path "* ]] || continue
    # a path that does not answer 200 is reported as failing, with its answer, and not measured
    for target in "${TARGETS[@]}"; do
        serves "$target" "$path" || continue
        status=$(curl -s -o "$OUT/check-$target-$path.json" -w '%{http_code}' -H 'Content-Type: application/json' \
            -d "$(chat "$model")" "${TARGET_URL[$target]}")
        if [ "$status" != 200 ]; then
            FAILED[$target-$path]="answers $status: $(head -c 160 "$OUT/check-$target-$path.json" | tr '|' '/')"
            echo "the $target's $path path ${FAILED[$target-$path]}" >&2
            continue
        fi
        warm "${TARGET_URL[$target]}" "$model"
    done
done
warm "$U/openai/v1/chat/completions" llama
warm "http://127.0.0.1:$PROXY_PORT/openai/v1/chat/completions" llama

# Steady state, as a gateway that runs for days is: C2 still compiled for a minute and more after the warm-up above (on
# 2 cores its thread took a quarter of the CPU during the first measured runs), so rounds over every path go on until
# the gateways' JIT threads used under 2 % of the round's time, at most JIT_SETTLE_MAX seconds. The table says how long.
SETTLE_START=$SECONDS
JIT_NOTE="JIT not settled within ${JIT_SETTLE_MAX:-180} s"
while [ $((SECONDS - SETTLE_START)) -lt "${JIT_SETTLE_MAX:-180}" ]; do
    declare -A JIT_BEFORE=()
    for target in "${TARGETS[@]}"; do JIT_BEFORE[$target]=$(jit_ticks "${PIDS_OF[$target]}"); done
    round_start=$SECONDS
    for entry in "${PATHS[@]}"; do
        IFS='|' read -r path model _ <<< "$entry"
        [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $path "* ]] || continue
        for target in "${TARGETS[@]}"; do
            serves "$target" "$path" || continue
            [ -n "${FAILED[$target-$path]:-}" ] && continue
            MODEL=$model wrk -t2 -c16 -d4s -s bench/chat.lua "${TARGET_URL[$target]}" > /dev/null
            MODEL=$model wrk -t1 -c1 -d1s -s bench/chat.lua "${TARGET_URL[$target]}" > /dev/null
        done
    done
    round_ticks=$(( (SECONDS - round_start) * $(getconf CLK_TCK) ))
    # nothing to run (every path failing): nothing to settle either
    if [ "$round_ticks" -eq 0 ]; then JIT_NOTE="JIT not checked: no path answered"; break; fi
    settled=1; jit=""
    for target in "${TARGETS[@]}"; do
        used=$(( $(jit_ticks "${PIDS_OF[$target]}") - ${JIT_BEFORE[$target]} ))
        jit="$jit $target $((used * 1000 / $(getconf CLK_TCK))) ms"
        [ $((used * 50)) -lt "$round_ticks" ] || settled=0
    done
    echo "  JIT in a $((SECONDS - round_start)) s round:$jit" >&2
    if [ $settled = 1 ]; then
        JIT_NOTE="JIT settled $((SECONDS - SETTLE_START)) s after the warm-up (compiler threads under 2 % in a round over every path)"
        break
    fi
done
echo "$JIT_NOTE" >&2

for entry in "${PATHS[@]}"; do
    [ "${SKIP_WRK:-0}" = 1 ] && break
    IFS='|' read -r path model url body <<< "$entry"
    [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $path "* ]] || continue
    echo "$path" >&2
    for c in 1 16; do
        wrk_run "upstream-$path-$c" "$url" "$c" "$model" "$body"
        # nginx proxies the provider's own request on every path, right after the upstream alone: each path's ratio
        # divides by an nginx measured minutes, not a quarter of an hour, apart (the machine drifts)
        wrk_run "nginx-$path-$c" "http://127.0.0.1:$PROXY_PORT${url#"$U"}" "$c" "$model" "$body"
        for target in "${TARGETS[@]}"; do
            serves "$target" "$path" || continue
            [ -n "${FAILED[$target-$path]:-}" ] || wrk_run "$target-$path-$c" "${TARGET_URL[$target]}" "$c" "$model"
        done
    done
done

# PROFILE=perf: one more OpenAI-path run at 16 connections, after the measured ones (perf's own cost stays out of the
# table), recorded with kernel stacks: bench/perf-breakdown.py splits the event loops' CPU by part, kernel included
if [ "${PROFILE:-0}" = perf ] && [ "${SKIP_WRK:-0}" != 1 ]; then
    echo "perf: recording the gateway for $DURATION at 16 connections" >&2
    MODEL=llama wrk -t1 -c16 -d"$DURATION" -s bench/chat.lua "$G" > /dev/null &
    WRK_PID=$!
    perf record -F 999 -g -p "$GATEWAY_PID" -o "$OUT/gateway.perf.data" -- sleep "$(( ${DURATION%s} - 1 ))" \
        > /dev/null 2>&1
    wait $WRK_PID
    jcmd "$GATEWAY_PID" Compiler.perfmap > /dev/null
    python3 bench/perf-breakdown.py "$OUT/gateway.perf.data" | tee "$OUT/perf-breakdown.md" >&2
fi

# --- concurrency run ------------------------------------------------------------------------------------------------
declare -A STREAM
stream_run() {
    local key=$1 url=$2; shift 2
    STREAM[$key]=$(MODEL=held node bench/streams.js "$url" "$STREAMS" "http://127.0.0.1:$HELD_PORT" "$@")
    echo "  streams $key: ${STREAM[$key]}" >&2
}
STREAM_TARGETS=(upstream nginx gateway)
[ -z "$BASELINE" ] || STREAM_TARGETS+=(baseline)
[ "${SKIP_STREAMS:-0}" = 1 ] && STREAM_TARGETS=()
[ "${SKIP_STREAMS:-0}" = 1 ] || {
echo "concurrency: $STREAMS streams held open" >&2
stream_run upstream "http://127.0.0.1:$HELD_PORT/v1/chat/completions" "$(pgrep -f "held-upstream.js $HELD_PORT" | head -1)"
# shellcheck disable=SC2046
stream_run nginx "http://127.0.0.1:$PROXY_PORT/held/v1/chat/completions" $(cat "$OUT/proxy.pid") $(pgrep -P "$(cat "$OUT/proxy.pid")")
stream_run gateway "$G" "$GATEWAY_PID"
[ -z "$BASELINE" ] || stream_run baseline "$B" "$BASELINE_PID"
}

# --- the table ----------------------------------------------------------------------------------------------------------
field() { echo "${RESULT[$1]:-- - - - -}" | cut -d' ' -f"$2"; }
json() { echo "${STREAM[$1]}" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);console.log(j['$2'])})"; }
{
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores (load average at the start: $LOAD_AT_START), wrk -t1 -d$DURATION, gateway $JAVA_OPTS${BASELINE:+ (baseline $BASELINE_JAVA_OPTS)}, $JIT_NOTE; latencies in us."
    echo
    echo "| target | path | p50 c=1 | added p50 c=1 | p99 c=1 | req/s c=16 | p50 c=16 | p99 c=16 | req/s vs nginx | CPU us/req c=16 | errors |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for entry in "${PATHS[@]}"; do
        IFS='|' read -r path _ <<< "$entry"
        for target in upstream nginx "${TARGETS[@]}"; do
            if [ -n "${FAILED[$target-$path]:-}" ]; then
                echo "| $target | $path | fails: ${FAILED[$target-$path]} | | | | | | | | |"
                continue
            fi
            [ -n "${RESULT[$target-$path-1]:-}" ] || continue
            base=$(field "upstream-$path-1" 1)
            p50=$(field "$target-$path-1" 1)
            added="-"; [ "$target" = upstream ] || added=$((p50 - base))
            rps=$(field "$target-$path-16" 3)
            nginx_rps=$(field "nginx-$path-16" 3)
            ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
            errors=$(( $(field "$target-$path-1" 4) + $(field "$target-$path-16" 4) ))
            echo "| $target | $path | $p50 | $added | $(field "$target-$path-1" 2) | $rps | $(field "$target-$path-16" 1) | $(field "$target-$path-16" 2) | $ratio | $(field "$target-$path-16" 5) | $errors |"
        done
    done
    if [ -n "${RESULT[camel-openai-1]:-}" ]; then
        echo
        echo "camel: Camel's own pass-through route on the gateway's HTTP edge (bench/pass-through.camel.yaml: same jar and JVM options, vertx-http to the upstream, no JSON, auth, router or access log), the floor for any Camel route in front of this upstream. vertx: a bare Vert.x proxy on the same Vert.x, Netty and JVM options (bench/VertxPassThrough.java), the floor under Camel."
    fi
    [ ${#STREAM_TARGETS[@]} -gt 0 ] || exit 0
    echo
    echo "Concurrency: $STREAMS streaming requests opened at once; the upstream sends each stream's first chunk and holds it until all are live (or 60 s), then releases them. Time to first token in ms; RSS of the serving process(es) while all are held."
    echo
    echo "| target | live at once | all live within ms | completed | failed | TTFT p50 | TTFT p99 | added TTFT p50 | added TTFT p99 | RSS MB |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for target in "${STREAM_TARGETS[@]}"; do
        p50=$(json "$target" ttftP50); p99=$(json "$target" ttftP99)
        a50=$(awk -v a="$p50" -v b="$(json upstream ttftP50)" 'BEGIN { printf "%.1f", a - b }')
        a99=$(awk -v a="$p99" -v b="$(json upstream ttftP99)" 'BEGIN { printf "%.1f", a - b }')
        [ "$target" = upstream ] && a50="-" && a99="-"
        echo "| $target | $(json "$target" live) | $(json "$target" liveWithinMs) | $(json "$target" complete) | $(json "$target" failed) | $p50 | $p99 | $a50 | $a99 | $(json "$target" rssMb) |"
    done
} | tee "$OUT/table.md"
echo "(results and logs in $OUT)" >&2
