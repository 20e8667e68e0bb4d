-- wrk script: one OpenAI chat request (model from $MODEL, default llama), the same body to the gateway and, with
-- $UPSTREAM_BODY set, the provider's own body to the upstream directly. Prints one RESULT line for bench/run.sh.
-- Usage: MODEL=codestral wrk -t1 -c16 -d10s -s bench/chat.lua http://127.0.0.1:8080/v1/chat/completions
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local upstream_body = os.getenv("UPSTREAM_BODY")
if upstream_body ~= nil and upstream_body ~= "" then
  wrk.body = upstream_body
else
  wrk.body = '{"model": "' .. (os.getenv("MODEL") or "llama") .. '", "messages": [{"role": "user", "content": "Hello!"}]}'
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout
  io.write(string.format("RESULT p50=%d p99=%d rps=%.0f requests=%d errors=%d\n", latency:percentile(50),
      latency:percentile(99), summary.requests / (summary.duration / 1e6), summary.requests, errors))
end
