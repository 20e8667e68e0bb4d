# shellcheck shell=bash
# Shared by bench/run.sh and bench/ab.sh (sourced, not run).

# wait_port PORT: until something listens on 127.0.0.1:PORT, at most 30 s
wait_port() {
    for _ in $(seq 1 300); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1 after 30 s" >&2
    return 1
}

# start_gateway PORT MANAGEMENT_PORT JAVA_COMMAND...: becomes (exec) a gateway serving PORT against the bench's
# catalogue ($OUT/models.yaml), emulator and queue off. Run it in the background from the directory it is to start in,
# with its output redirected: as it execs, $! is the JVM itself, whose CPU time the bench reads from /proc.
start_gateway() {
    local port=$1 management=$2
    shift 2
    CAMEL_SERVER_PORT=$port GATEWAY_MANAGEMENT_PORT=$management GATEWAY_MODELS_FILE=$OUT/models.yaml \
        GATEWAY_EMULATOR_ENABLED=false GATEWAY_QUEUE_ENABLED=false exec "$@"
}
