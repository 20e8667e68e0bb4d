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
