-- wrk script: one OpenAI chat request, the same body to the gateway and to the emulator directly.
-- Usage: wrk -t1 -c16 -d10s -s bench/chat.lua http://127.0.0.1:8080/v1/chat/completions
--        wrk -t1 -c16 -d10s -s bench/chat.lua http://127.0.0.1:8090/openai/v1/chat/completions
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model": "codestral", "messages": [{"role": "user", "content": "Hello!"}]}'
