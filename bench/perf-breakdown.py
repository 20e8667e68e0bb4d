#!/usr/bin/env python3
"""Where the gateway's event loops spend their CPU, kernel included: bench/perf-breakdown.py <perf.data>

Reads a `perf record -g` of the gateway (run with -XX:+PreserveFramePointer and its perf map written by
`jcmd <pid> Compiler.perfmap`, as bench/run.sh PROFILE=perf does) and gives each event-loop sample to the part it is
in: the kernel's scheduling (preemption, wake-up IPIs), its TCP/loopback work and epoll, or the innermost Java frame's
library (JDK frames are looked through to their caller). Unlike JFR, which samples Java frames only, this shows the
time spent in the kernel on the gateway's behalf."""
import collections
import re
import subprocess
import sys

JAVA_FRAME = re.compile(r" ((?:[a-z_][\w]*\.)+)[A-Z][\w$]*\.[\w$<>]+\(")
LIBRARIES = [
    ("org.apache.camel.", "Camel (routes, pipeline, exchange, platform-http)"),
    ("io.netty.", "Netty (HTTP codecs, buffers, epoll transport)"),
    ("io.vertx.ext.web.", "vert.x-web (router, body handler)"),
    ("io.vertx.", "Vert.x core (HTTP server and client, contexts)"),
    ("com.fasterxml.", "Jackson"),
    ("dev.modelgateway.", "gateway code"),
    ("org.apache.logging.", "log4j (access log)"),
    ("io.micrometer.", "metrics"),
    ("io.prometheus.", "metrics"),
]


def part(frames):
    top = frames[0] if frames else ""
    if "kernel" in top:
        stack = " ".join(frames)
        if re.search(r"__schedule|finish_task_switch|reschedule_ipi", stack):
            return "kernel: scheduling (preemption, wake-up IPIs)"
        if re.search(r"tcp_|ip_|sock_|skb|net_rx|__dev_queue", stack):
            return "kernel: TCP over loopback"
        if "epoll" in stack:
            return "kernel: epoll"
        return "kernel: other"
    for frame in frames:
        m = JAVA_FRAME.search(frame)
        if not m:
            continue
        package = m.group(1)
        if package.startswith(("java.", "jdk.", "sun.")):
            continue
        for prefix, name in LIBRARIES:
            if package.startswith(prefix):
                return name
        return "other Java"
    if "libc" in top:
        return "libc (syscall entry)"
    return "JVM runtime, other"


def main():
    text = subprocess.run(["perf", "script", "-i", sys.argv[1]], check=True, capture_output=True,
                          text=True, errors="replace").stdout
    counts = collections.Counter()
    total = 0
    for sample in text.split("\n\n"):
        lines = sample.strip().split("\n")
        if not lines or not lines[0].startswith("vert.x-eventloo"):
            continue
        total += 1
        counts[part(lines[1:])] += 1
    print(f"{total} event-loop samples in {sys.argv[1]}")
    print("| part | share |")
    print("|---|---|")
    for name, n in counts.most_common():
        print(f"| {name} | {100 * n / total:.1f} % |")


if __name__ == "__main__":
    main()
