#!/usr/bin/env python3
"""Where a gateway's CPU samples go, by part of the request path: bench/jfr-phases.py $OUT/gateway.jfr

Reads the JFR of `PROFILE=1 bench/run.sh` (jdk.ExecutionSample, 1 ms) with `jfr print` and gives each sample to the
innermost frame that belongs to one of the parts below (first match wins, top of the stack first), so the shares add
up to 100 %. Only Java frames are sampled: time in the kernel (socket reads and writes) is not in these figures.
"""
import collections
import re
import subprocess
import sys

PARTS = [
    ("observe (metrics, access log, traces)", r"dev\.modelgateway\.observe|micrometer|opentelemetry|log4j|slf4j"),
    ("upstream HTTP client", r"dev\.modelgateway\.provider\.UpstreamHttp|Http1xClient|HttpClientImpl|"
                             r"io\.vertx\.core\.http\.impl\.(Http1xClient|HttpClient|ClientHttp|.*Pool)|RequestOptions"),
    ("provider mapping (request/answer JSON, signing)", r"dev\.modelgateway\.provider"),
    ("API parsing and validation", r"dev\.modelgateway\.api\.(Endpoints|Json|Requests|Shapes|OpenAiChat|"
                                   r"ModelResolver|FeatureRequest|RequestPlan|BearerAuth)"),
    ("answer written", r"VertxPlatformHttpSupport\.writeResponse|dev\.modelgateway\.api\.ResponseWriter"),
    ("router (strategy, deployment state)", r"dev\.modelgateway\.router|NextDeployment"),
    ("other gateway code", r"dev\.modelgateway"),
    ("Camel unit of work, exchange", r"UnitOfWork|InflightRepository|DefaultConsumer\.(create|done|release)|"
                                     r"createExchange|releaseExchange"),
    ("Camel platform-http", r"platform\.http"),
    ("Camel routing engine", r"org\.apache\.camel"),
    ("vert.x-web router", r"io\.vertx\.ext\.web"),
    ("HTTP server", r"Http1xServer|HttpServer"),
    ("Netty / Vert.x I/O", r"io\.netty|sun\.nio|io\.vertx"),
]


def main(path):
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "120", path],
                          check=True, capture_output=True, text=True).stdout
    samples = text.split("jdk.ExecutionSample")[1:]
    counts = collections.Counter()
    for sample in samples:
        part = "other (GC, JIT, JDK)"
        for frame in re.findall(r"^\s+([\w$.<>/]+)\(", sample, re.M):
            hit = next((name for name, pattern in PARTS if re.search(pattern, frame)), None)
            if hit:
                part = hit
                break
        counts[part] += 1
    total = len(samples) or 1
    print(f"{len(samples)} CPU samples in {path}")
    print("| part | samples | share |\n|---|---|---|")
    for name, n in counts.most_common():
        print(f"| {name} | {n} | {100 * n / total:.1f} % |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
