// Golden-fixture capture: runs canonical calls through the vendors' official npm SDKs against a local
// capture server and writes the request each SDK put on the wire to ../<provider>/<case>.json.
// Regenerate: cd src/test/resources/golden/capture && npm install && node capture.mjs
import http from 'node:http';
import http2 from 'node:http2';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Environment variables that the SDKs read as defaults (keys, base URLs, regions, projects) must not leak in.
for (const k of Object.keys(process.env)) {
  if (/^(OPENAI_|AZURE_|ANTHROPIC_|AWS_|GOOGLE_|GEMINI_|GCLOUD_|CLOUDSDK_|CLOUD_ML_|MISTRAL_|HTTPS?_PROXY|NO_PROXY)/i.test(k)) {
    delete process.env[k];
  }
}
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// @google/genai logs a console.debug line about credential precedence on every construction.
console.debug = () => {};

const { default: OpenAI, AzureOpenAI } = await import('openai');
const { MistralAzure } = await import('@mistralai/mistralai-azure');
const { MistralGCP } = await import('@mistralai/mistralai-gcp');
const { HTTPClient } = await import('@mistralai/mistralai-gcp/lib/http.js');
const { AnthropicVertex } = await import('@anthropic-ai/vertex-sdk');
const { AnthropicBedrock } = await import('@anthropic-ai/bedrock-sdk');
// Last 0.x releases (before the 1.0 switch of anthropic_version), installed under npm aliases.
const { AnthropicVertex: AnthropicVertexV0 } = await import('@anthropic-ai/vertex-sdk-v0');
const { AnthropicBedrock: AnthropicBedrockV0 } = await import('@anthropic-ai/bedrock-sdk-v0');
const { GoogleGenAI } = await import('@google/genai');
const { OAuth2Client } = await import('google-auth-library');
const {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} = await import('@aws-sdk/client-bedrock-runtime');
const { EventStreamCodec } = await import('@smithy/eventstream-codec');
const { toUtf8, fromUtf8 } = await import('@smithy/util-utf8');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(HERE, '..');
// "name@version" of the installed package (dependency aliases such as @anthropic-ai/vertex-sdk-v0 report
// the real package name).
const sdkVersion = (dep) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', dep, 'package.json'), 'utf8'));
  return `${pkg.name}@${pkg.version}`;
};

// ---- canonical inputs -------------------------------------------------------------------------------
const SYSTEM = 'You are a careful coding assistant.';
const USER = 'Write a haiku about Camel routes.';
const FIM_PROMPT = 'def fibonacci(n):\n    ';
const FIM_SUFFIX = '\n\nprint(fibonacci(10))\n';

// ---- header filtering -------------------------------------------------------------------------------
const VOLATILE = new Set([
  'user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-date', 'x-amz-content-sha256',
  'authorization', 'content-length', 'connection', 'host', 'accept-encoding', 'x-amz-user-agent',
  'x-goog-api-client',
]);
const keepHeader = (name) => !VOLATILE.has(name) && !name.startsWith('x-stainless-');

function sortKeys(obj) {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function describeAuth(headers) {
  const a = headers['authorization'];
  if (a === undefined) return headers['api-key'] !== undefined ? { auth: 'api-key' } : { auth: 'none' };
  if (a.startsWith('AWS4-HMAC-SHA256 ')) {
    // AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=a;b, Signature=hex
    const parts = Object.fromEntries(
      a.slice('AWS4-HMAC-SHA256 '.length).split(/,\s*/).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
    );
    const [akid, , region, service, terminator] = parts.Credential.split('/');
    const credential = `${akid}/<yyyymmdd>/${region}/${service}/${terminator}`;
    const signedHeaders = parts.SignedHeaders.split(';');
    return {
      auth: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${parts.SignedHeaders}`,
      signing: { region, service, signedHeaders },
    };
  }
  const sp = a.indexOf(' ');
  return { auth: sp < 0 ? a : a.slice(0, sp) };
}

// ---- capture server ---------------------------------------------------------------------------------
let captured = [];
let responder = null; // (rec, res) => void, set per case

// The AWS SDK's Bedrock Runtime client speaks HTTP/2 only (NodeHttp2Handler, prior-knowledge h2c on
// http:// endpoints), so it gets a second, HTTP/2 capture server; everything else uses HTTP/1.1.
const handle = (httpVersion) => (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const q = req.url.indexOf('?');
    const rec = {
      method: req.method,
      rawUrl: req.url,
      path: q < 0 ? req.url : req.url.slice(0, q),
      rawQuery: q < 0 ? '' : req.url.slice(q + 1),
      httpVersion,
      // HTTP/2 pseudo-headers (:method, :path, :authority, :scheme) are not headers.
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !k.startsWith(':'))),
      body: raw,
    };
    captured.push(rec);
    try {
      if (rec.path === '/token') return tokenResponder(rec, res);
      if (!responder) throw new Error(`no responder for ${req.method} ${req.url}`);
      responder(rec, res);
    } catch (e) {
      console.error('responder failed', e);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(e) }));
    }
  });
};
const server = http.createServer(handle('1.1'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const PORT = server.address().port;
const BASE = `http://127.0.0.1:${PORT}`;
const server2 = http2.createServer(handle('2'));
await new Promise((r) => server2.listen(0, '127.0.0.1', r));
const BASE_H2 = `http://127.0.0.1:${server2.address().port}`;

function json(res, obj, extraHeaders = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(200, { 'content-type': 'application/json', ...extraHeaders });
  res.end(body);
}
function sse(res, events, sep = '\n\n') {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(e + sep);
  res.end();
}
const codec = new EventStreamCodec(toUtf8, fromUtf8);
function awsEventStream(res, events) {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'req-0001' });
  for (const [type, payload] of events) {
    res.write(
      Buffer.from(
        codec.encode({
          headers: {
            ':event-type': { type: 'string', value: type },
            ':content-type': { type: 'string', value: 'application/json' },
            ':message-type': { type: 'string', value: 'event' },
          },
          body: fromUtf8(JSON.stringify(payload)),
        }),
      ),
    );
  }
  res.end();
}

// ---- canned responses -------------------------------------------------------------------------------
const CREATED = 1700000000;
const HAIKU = 'Routes bend like rivers';
const oaUsage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };

const chatCompletion = (model) => ({
  id: 'chatcmpl-1', object: 'chat.completion', created: CREATED, model,
  choices: [{ index: 0, message: { role: 'assistant', content: HAIKU }, finish_reason: 'stop' }],
  usage: oaUsage,
});
const chatChunks = (model) => [
  { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: CREATED, model,
    choices: [{ index: 0, delta: { role: 'assistant', content: HAIKU }, finish_reason: null }] },
  { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: CREATED, model,
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage: oaUsage },
];
const textCompletion = (model) => ({
  id: 'cmpl-1', object: 'text_completion', created: CREATED, model,
  choices: [{ index: 0, text: 'return n', finish_reason: 'stop', logprobs: null }],
  usage: oaUsage,
});
const textChunks = (model) => [
  { id: 'cmpl-1', object: 'text_completion', created: CREATED, model,
    choices: [{ index: 0, text: 'return n', finish_reason: null, logprobs: null }] },
  { id: 'cmpl-1', object: 'text_completion', created: CREATED, model,
    choices: [{ index: 0, text: '', finish_reason: 'stop', logprobs: null }] },
  { id: 'cmpl-1', object: 'text_completion', created: CREATED, model, choices: [], usage: oaUsage },
];
const openAIResponder = (rec, res) => {
  const body = JSON.parse(rec.body.toString('utf8'));
  const model = body.model ?? 'model';
  const isChat = rec.path.endsWith('/chat/completions');
  if (body.stream) {
    const chunks = isChat ? chatChunks(model) : textChunks(model);
    sse(res, [...chunks.map((c) => `data: ${JSON.stringify(c)}`), 'data: [DONE]']);
  } else {
    json(res, isChat ? chatCompletion(model) : textCompletion(model));
  }
};
// Mistral (Azure AI / Vertex): FIM answers are chat-completion shaped too.
const mistralResponder = (rec, res) => {
  const body = JSON.parse(rec.body.toString('utf8'));
  const model = body.model ?? 'model';
  if (body.stream) {
    sse(res, [...chatChunks(model).map((c) => `data: ${JSON.stringify(c)}`), 'data: [DONE]']);
  } else {
    json(res, chatCompletion(model));
  }
};

const anthropicMessage = {
  id: 'msg_01', type: 'message', role: 'assistant', model: 'claude',
  content: [{ type: 'text', text: HAIKU }], stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 20, output_tokens: 5 },
};
const anthropicEvents = [
  ['message_start', { type: 'message_start', message: { ...anthropicMessage, content: [], stop_reason: null, usage: { input_tokens: 20, output_tokens: 1 } } }],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: HAIKU } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }],
  ['message_stop', { type: 'message_stop' }],
];
const anthropicSSEResponder = (rec, res) => {
  const body = JSON.parse(rec.body.toString('utf8'));
  if (body.stream) sse(res, anthropicEvents.map(([t, d]) => `event: ${t}\ndata: ${JSON.stringify(d)}`));
  else json(res, anthropicMessage);
};
const bedrockInvokeResponder = (rec, res) => {
  if (rec.path.endsWith('/invoke-with-response-stream')) {
    awsEventStream(res, anthropicEvents.map(([, d]) => ['chunk', { bytes: Buffer.from(JSON.stringify(d)).toString('base64') }]));
  } else {
    json(res, anthropicMessage, { 'x-amzn-requestid': 'req-0001' });
  }
};
const converseResponder = (rec, res) => {
  if (rec.path.endsWith('/converse-stream')) {
    awsEventStream(res, [
      ['messageStart', { role: 'assistant' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: HAIKU } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['messageStop', { stopReason: 'end_turn' }],
      ['metadata', { usage: { inputTokens: 20, outputTokens: 5, totalTokens: 25 }, metrics: { latencyMs: 10 } }],
    ]);
  } else {
    json(res, {
      output: { message: { role: 'assistant', content: [{ text: HAIKU }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 20, outputTokens: 5, totalTokens: 25 },
      metrics: { latencyMs: 10 },
    }, { 'x-amzn-requestid': 'req-0001' });
  }
};
const geminiResponse = {
  candidates: [{ content: { role: 'model', parts: [{ text: HAIKU }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 25 },
  modelVersion: 'gemini-2.0-flash-001',
};
const geminiResponder = (rec, res) => {
  if (rec.path.endsWith(':streamGenerateContent')) sse(res, [`data: ${JSON.stringify(geminiResponse)}`], '\r\n\r\n');
  else json(res, geminiResponse);
};

// OAuth2 token endpoint (google-auth-library's JWT grant for the generated service-account key).
let tokenRequests = [];
function tokenResponder(rec, res) {
  tokenRequests.push(rec);
  json(res, { access_token: 'ya29.test-token', expires_in: 3600, token_type: 'Bearer' });
}

// ---- case runner ------------------------------------------------------------------------------------
const results = [];
async function capture(provider, name, { sdk, call, respond }, fn) {
  captured = [];
  responder = respond;
  try {
    await fn();
  } catch (e) {
    console.error(`${provider}/${name}: SDK call failed:`, e);
    process.exitCode = 1;
  }
  const reqs = captured.filter((r) => r.path !== '/token');
  if (reqs.length !== 1) {
    console.error(`${provider}/${name}: expected exactly 1 request, got ${reqs.length}`);
    process.exitCode = 1;
    if (reqs.length === 0) return;
  }
  const rec = reqs[0];
  const headers = sortKeys(Object.fromEntries(Object.entries(rec.headers).filter(([k]) => keepHeader(k))));
  const out = {
    sdk,
    call,
    method: rec.method,
    http: rec.httpVersion,
    path: rec.path,
    query: sortKeys(Object.fromEntries(new URLSearchParams(rec.rawQuery))),
    headers,
    ...describeAuth(rec.headers),
    body: rec.body.length ? JSON.parse(rec.body.toString('utf8')) : null,
  };
  write(provider, name, out);
}
function write(provider, name, obj) {
  const dir = path.join(OUT, provider);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(obj, null, 2) + '\n');
  results.push(`${provider}/${name}.json`);
}
const drain = async (stream) => {
  for await (const _ of stream) { /* consume */ }
};

// ---- 1. openai (OpenAI-compatible server, e.g. vLLM / Ollama) ----------------------------------------
{
  const sdk = sdkVersion('openai');
  const model = 'mistralai/Codestral-22B-v0.1';
  const client = new OpenAI({ baseURL: `${BASE}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  const ctor = "new OpenAI({baseURL: 'http://127.0.0.1:PORT/v1', apiKey: 'sk-test', maxRetries: 0})";
  const chat = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], max_tokens: 128, temperature: 0.2 };
  const fim = { model, prompt: FIM_PROMPT, suffix: FIM_SUFFIX, max_tokens: 64, temperature: 0, stop: ['\n\n'] };
  const streamOpts = { stream: true, stream_options: { include_usage: true } };
  await capture('openai', 'chat', { sdk, respond: openAIResponder,
    call: `${ctor}.chat.completions.create({model: '${model}', messages: [{role: 'system', content: SYSTEM}, {role: 'user', content: USER}], max_tokens: 128, temperature: 0.2})` },
  () => client.chat.completions.create(chat));
  await capture('openai', 'chat-stream', { sdk, respond: openAIResponder,
    call: `${ctor}.chat.completions.create({model: '${model}', messages: [{role: 'system', content: SYSTEM}, {role: 'user', content: USER}], max_tokens: 128, temperature: 0.2, stream: true, stream_options: {include_usage: true}})` },
  async () => drain(await client.chat.completions.create({ ...chat, ...streamOpts })));
  await capture('openai', 'fim', { sdk, respond: openAIResponder,
    call: `${ctor}.completions.create({model: '${model}', prompt: FIM_PROMPT, suffix: FIM_SUFFIX, max_tokens: 64, temperature: 0, stop: ['\\n\\n']})` },
  () => client.completions.create(fim));
  await capture('openai', 'fim-stream', { sdk, respond: openAIResponder,
    call: `${ctor}.completions.create({model: '${model}', prompt: FIM_PROMPT, suffix: FIM_SUFFIX, max_tokens: 64, temperature: 0, stop: ['\\n\\n'], stream: true, stream_options: {include_usage: true}})` },
  async () => drain(await client.completions.create({ ...fim, ...streamOpts })));
}

// ---- 2. azure (Azure OpenAI) --------------------------------------------------------------------------
{
  const sdk = sdkVersion('openai');
  const model = 'gpt-4o';
  const chat = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], max_tokens: 128, temperature: 0.2 };
  const chatCall = "chat.completions.create({model: 'gpt-4o', messages: [{role: 'system', content: SYSTEM}, {role: 'user', content: USER}], max_tokens: 128, temperature: 0.2";
  const keyCtor = "new AzureOpenAI({endpoint: 'http://127.0.0.1:PORT', apiKey: 'azure-test-key', apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0})";
  const keyClient = new AzureOpenAI({ endpoint: BASE, apiKey: 'azure-test-key', apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
  await capture('azure', 'chat', { sdk, respond: openAIResponder, call: `${keyCtor}.${chatCall}})` },
    () => keyClient.chat.completions.create(chat));
  await capture('azure', 'chat-stream', { sdk, respond: openAIResponder,
    call: `${keyCtor}.${chatCall}, stream: true, stream_options: {include_usage: true}})` },
  async () => drain(await keyClient.chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } })));
  const entraClient = new AzureOpenAI({ endpoint: BASE, azureADTokenProvider: async () => 'entra-test-token', apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
  await capture('azure', 'chat-entra', { sdk, respond: openAIResponder,
    call: `new AzureOpenAI({endpoint: 'http://127.0.0.1:PORT', azureADTokenProvider: async () => 'entra-test-token', apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0}).${chatCall}})` },
  () => entraClient.chat.completions.create(chat));
  const v1Client = new OpenAI({ baseURL: `${BASE}/openai/v1`, apiKey: 'azure-test-key', defaultHeaders: { 'api-key': 'azure-test-key' }, maxRetries: 0 });
  await capture('azure', 'v1-chat', { sdk, respond: openAIResponder,
    call: `new OpenAI({baseURL: 'http://127.0.0.1:PORT/openai/v1', apiKey: 'azure-test-key', defaultHeaders: {'api-key': 'azure-test-key'}, maxRetries: 0}).${chatCall}}) /* hand-configured OpenAI client, not AzureOpenAI */` },
  () => v1Client.chat.completions.create(chat));
}

// ---- 3. azure_ai (Mistral on Azure AI Foundry) ---------------------------------------------------------
{
  const sdk = sdkVersion('@mistralai/mistralai-azure');
  const ctor = "new MistralAzure({endpoint: 'http://127.0.0.1:PORT', apiKey: 'azure-ai-test-key', retryConfig: {strategy: 'none'}})";
  const client = new MistralAzure({ endpoint: BASE, apiKey: 'azure-ai-test-key', retryConfig: { strategy: 'none' } });
  const req = { model: 'Codestral-2501', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], maxTokens: 128, temperature: 0.2 };
  const args = "{model: 'Codestral-2501', messages: [{role: 'system', content: SYSTEM}, {role: 'user', content: USER}], maxTokens: 128, temperature: 0.2}";
  await capture('azure_ai', 'chat', { sdk, respond: mistralResponder, call: `${ctor}.chat.complete(${args})` },
    () => client.chat.complete(req));
  await capture('azure_ai', 'chat-stream', { sdk, respond: mistralResponder, call: `${ctor}.chat.stream(${args})` },
    async () => drain(await client.chat.stream(req)));
}

// ---- 4. vertex_claude (Claude on Vertex AI) -----------------------------------------------------------
async function vertexClaude(dep, AnthropicVertex, prefix) {
  const sdk = sdkVersion(dep);
  // The SDK's `accessToken` option is stored but never used for requests (auth always comes from a
  // google-auth-library AuthClient), so a fixed-token OAuth2Client is passed as `authClient`.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'ya29.test-token' });
  const model = 'claude-3-5-sonnet-v2@20241022';
  const req = { model, max_tokens: 128, system: SYSTEM, messages: [{ role: 'user', content: USER }], temperature: 0.2 };
  const args = `{model: '${model}', max_tokens: 128, system: SYSTEM, messages: [{role: 'user', content: USER}], temperature: 0.2`;
  const ctor = (region) => `new AnthropicVertex({region: '${region}', projectId: 'my-project', baseURL: 'http://127.0.0.1:PORT/v1', authClient /* google-auth-library OAuth2Client with access_token 'ya29.test-token' */, maxRetries: 0})`;
  const regional = new AnthropicVertex({ region: 'us-east5', projectId: 'my-project', baseURL: `${BASE}/v1`, authClient, maxRetries: 0 });
  await capture('vertex_claude', prefix + 'chat', { sdk, respond: anthropicSSEResponder, call: `${ctor('us-east5')}.messages.create(${args}})` },
    () => regional.messages.create(req));
  await capture('vertex_claude', prefix + 'chat-stream', { sdk, respond: anthropicSSEResponder, call: `${ctor('us-east5')}.messages.create(${args}, stream: true})` },
    async () => drain(await regional.messages.create({ ...req, stream: true })));
  const globalClient = new AnthropicVertex({ region: 'global', projectId: 'my-project', baseURL: `${BASE}/v1`, authClient, maxRetries: 0 });
  await capture('vertex_claude', prefix + 'chat-global', { sdk, respond: anthropicSSEResponder, call: `${ctor('global')}.messages.create(${args}})` },
    () => globalClient.messages.create(req));
}
await vertexClaude('@anthropic-ai/vertex-sdk', AnthropicVertex, '');
await vertexClaude('@anthropic-ai/vertex-sdk-v0', AnthropicVertexV0, 'sdk0-');

// ---- 5. vertex_mistral (Mistral / Codestral on Vertex AI) ------------------------------------------------
{
  const sdk = sdkVersion('@mistralai/mistralai-gcp');
  // MistralGCP hard-codes serverURL to https://{region}-aiplatform.googleapis.com; a custom HTTPClient
  // fetcher (the SDK's documented transport hook) re-targets only scheme/host/port at the capture
  // server and keeps the path and query exactly as the SDK built them.
  const httpClient = new HTTPClient({
    fetcher: async (input, init) => {
      const req = input instanceof Request ? input : new Request(input, init);
      const u = new URL(req.url);
      const body = req.body ? await req.arrayBuffer() : undefined;
      return fetch(`${BASE}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body, signal: req.signal });
    },
  });
  const client = new MistralGCP({
    region: 'us-central1', projectId: 'my-project', apiKey: async () => 'ya29.test-token', httpClient, retryConfig: { strategy: 'none' },
  });
  const ctor = "new MistralGCP({region: 'us-central1', projectId: 'my-project', apiKey: async () => 'ya29.test-token', httpClient /* fetcher re-targets https://us-central1-aiplatform.googleapis.com at http://127.0.0.1:PORT */, retryConfig: {strategy: 'none'}})";
  const model = 'codestral-2405'; // the SDK maps 'codestral-2405' -> URL 'codestral@2405', body model 'codestral'
  const fim = { model, prompt: FIM_PROMPT, suffix: FIM_SUFFIX, maxTokens: 64, temperature: 0, stop: ['\n\n'] };
  const fimArgs = `{model: '${model}', prompt: FIM_PROMPT, suffix: FIM_SUFFIX, maxTokens: 64, temperature: 0, stop: ['\\n\\n']}`;
  const chat = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], maxTokens: 128, temperature: 0.2 };
  const chatArgs = `{model: '${model}', messages: [{role: 'system', content: SYSTEM}, {role: 'user', content: USER}], maxTokens: 128, temperature: 0.2}`;
  await capture('vertex_mistral', 'fim', { sdk, respond: mistralResponder, call: `${ctor}.fim.complete(${fimArgs})` },
    () => client.fim.complete(fim));
  await capture('vertex_mistral', 'fim-stream', { sdk, respond: mistralResponder, call: `${ctor}.fim.stream(${fimArgs})` },
    async () => drain(await client.fim.stream(fim)));
  await capture('vertex_mistral', 'chat', { sdk, respond: mistralResponder, call: `${ctor}.chat.complete(${chatArgs})` },
    () => client.chat.complete(chat));
  await capture('vertex_mistral', 'chat-stream', { sdk, respond: mistralResponder, call: `${ctor}.chat.stream(${chatArgs})` },
    async () => drain(await client.chat.stream(chat)));
}

// ---- 6. vertex_gemini (Gemini on Vertex AI) ---------------------------------------------------------------
{
  const sdk = sdkVersion('@google/genai');
  // Fresh RSA key per run: only the (dropped) JWT assertion depends on it.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const credentials = {
    type: 'service_account',
    project_id: 'my-project',
    private_key_id: 'test-key-id',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: 'golden-capture@my-project.iam.gserviceaccount.com',
    client_id: '100000000000000000000',
    token_uri: `${BASE}/token`,
  };
  // google-auth-library (node) ignores token_uri for service-account keys and always posts to
  // https://oauth2.googleapis.com/token, so its gaxios transport gets a fetch that re-targets that host.
  let tokenUrlAsSent = null;
  const fetchImplementation = (url, init) => {
    const u = new URL(String(url));
    tokenUrlAsSent = `${u.origin}${u.pathname}`;
    return fetch(`${BASE}${u.pathname}${u.search}`, init);
  };
  const ai = new GoogleGenAI({
    vertexai: true, project: 'my-project', location: 'us-central1',
    httpOptions: { baseUrl: BASE },
    googleAuthOptions: { credentials, clientOptions: { transporterOptions: { fetchImplementation } } },
  });
  const ctor = "new GoogleGenAI({vertexai: true, project: 'my-project', location: 'us-central1', httpOptions: {baseUrl: 'http://127.0.0.1:PORT'}, googleAuthOptions: {credentials: <generated service-account key>, clientOptions: {transporterOptions: {fetchImplementation /* re-targets oauth2.googleapis.com */}}}})";
  const req = { model: 'gemini-2.0-flash-001', contents: USER, config: { systemInstruction: SYSTEM, temperature: 0.2, maxOutputTokens: 128 } };
  const args = "{model: 'gemini-2.0-flash-001', contents: USER, config: {systemInstruction: SYSTEM, temperature: 0.2, maxOutputTokens: 128}}";
  tokenRequests = [];
  await capture('vertex_gemini', 'chat', { sdk, respond: geminiResponder, call: `${ctor}.models.generateContent(${args})` },
    () => ai.models.generateContent(req));
  await capture('vertex_gemini', 'chat-stream', { sdk, respond: geminiResponder, call: `${ctor}.models.generateContentStream(${args})` },
    async () => drain(await ai.models.generateContentStream(req)));
  // Same call with apiVersion 'v1' (the SDK's Vertex default is v1beta1); a new client does its own token grant.
  const aiV1 = new GoogleGenAI({
    vertexai: true, project: 'my-project', location: 'us-central1', apiVersion: 'v1',
    httpOptions: { baseUrl: BASE },
    googleAuthOptions: { credentials, clientOptions: { transporterOptions: { fetchImplementation } } },
  });
  await capture('vertex_gemini', 'chat-apiversion-v1', { sdk, respond: geminiResponder,
    call: `${ctor.replace("location: 'us-central1', ", "location: 'us-central1', apiVersion: 'v1', ")}.models.generateContent(${args})` },
  () => aiV1.models.generateContent(req));
  if (tokenRequests.length !== 2) {
    console.error(`vertex_gemini/token-exchange: expected 2 token requests (one per client), got ${tokenRequests.length}`);
    process.exitCode = 1;
  }
  if (tokenRequests.length) {
    const t = tokenRequests[0];
    const form = Object.fromEntries(new URLSearchParams(t.body.toString('utf8')));
    const [h, c] = form.assertion.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    const { iat, exp, ...claims } = c;
    write('vertex_gemini', 'token-exchange', {
      sdk: `${sdk} (${sdkVersion('google-auth-library')})`,
      call: 'JWT-bearer grant google-auth-library makes for the service-account key before the first Vertex call',
      url_as_sent_by_sdk: tokenUrlAsSent,
      method: t.method,
      http: t.httpVersion,
      path: t.path,
      query: sortKeys(Object.fromEntries(new URLSearchParams(t.rawQuery))),
      headers: sortKeys(Object.fromEntries(Object.entries(t.headers).filter(([k]) => keepHeader(k)))),
      form: sortKeys({ ...form, assertion: '<RS256 JWT, value omitted>' }),
      assertion_header: sortKeys(h),
      assertion_claims: sortKeys({ ...claims, exp: `iat + ${exp - iat}` }),
    });
  }
}

// ---- 7. bedrock_claude (Claude on Bedrock via the Anthropic SDK) ------------------------------------------
async function bedrockClaude(dep, AnthropicBedrock, prefix) {
  const sdk = sdkVersion(dep);
  const ctor = "new AnthropicBedrock({awsRegion: 'us-east-1', awsAccessKey: 'AKIDEXAMPLE', awsSecretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', baseURL: 'http://127.0.0.1:PORT', maxRetries: 0})";
  const client = new AnthropicBedrock({
    awsRegion: 'us-east-1', awsAccessKey: 'AKIDEXAMPLE', awsSecretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', baseURL: BASE, maxRetries: 0,
  });
  const mk = (model) => ({ model, max_tokens: 128, system: SYSTEM, messages: [{ role: 'user', content: USER }], temperature: 0.2 });
  const args = (model) => `{model: '${model}', max_tokens: 128, system: SYSTEM, messages: [{role: 'user', content: USER}], temperature: 0.2`;
  const model = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
  const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz';
  await capture('bedrock_claude', prefix + 'chat', { sdk, respond: bedrockInvokeResponder, call: `${ctor}.messages.create(${args(model)}})` },
    () => client.messages.create(mk(model)));
  await capture('bedrock_claude', prefix + 'chat-stream', { sdk, respond: bedrockInvokeResponder, call: `${ctor}.messages.create(${args(model)}, stream: true})` },
    async () => drain(await client.messages.create({ ...mk(model), stream: true })));
  await capture('bedrock_claude', prefix + 'chat-arn', { sdk, respond: bedrockInvokeResponder, call: `${ctor}.messages.create(${args(arn)}})` },
    () => client.messages.create(mk(arn)));
}
await bedrockClaude('@anthropic-ai/bedrock-sdk', AnthropicBedrock, '');
await bedrockClaude('@anthropic-ai/bedrock-sdk-v0', AnthropicBedrockV0, 'sdk0-');

// ---- 8. bedrock_converse (AWS SDK v3 Bedrock Runtime) -----------------------------------------------------
{
  const sdk = sdkVersion('@aws-sdk/client-bedrock-runtime');
  const ctor = "new BedrockRuntimeClient({region: 'us-east-1', endpoint: 'http://127.0.0.1:PORT', credentials: {accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'}, maxAttempts: 1})";
  const client = new BedrockRuntimeClient({
    region: 'us-east-1', endpoint: BASE_H2, maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  });
  const converse = {
    modelId: 'meta.llama3-3-70b-instruct-v1:0',
    system: [{ text: SYSTEM }],
    messages: [{ role: 'user', content: [{ text: USER }] }],
    inferenceConfig: { maxTokens: 128, temperature: 0.2 },
  };
  const cargs = "{modelId: 'meta.llama3-3-70b-instruct-v1:0', system: [{text: SYSTEM}], messages: [{role: 'user', content: [{text: USER}]}], inferenceConfig: {maxTokens: 128, temperature: 0.2}}";
  await capture('bedrock_converse', 'chat', { sdk, respond: converseResponder, call: `${ctor}.send(new ConverseCommand(${cargs}))` },
    () => client.send(new ConverseCommand(converse)));
  await capture('bedrock_converse', 'chat-stream', { sdk, respond: converseResponder, call: `${ctor}.send(new ConverseStreamCommand(${cargs}))` },
    async () => drain((await client.send(new ConverseStreamCommand(converse))).stream));
  const invokeBody = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 128, system: SYSTEM, messages: [{ role: 'user', content: USER }], temperature: 0.2 };
  await capture('bedrock_converse', 'invoke-claude', { sdk, respond: bedrockInvokeResponder,
    call: `${ctor}.send(new InvokeModelCommand({modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', contentType: 'application/json', accept: 'application/json', body: JSON.stringify({anthropic_version: 'bedrock-2023-05-31', max_tokens: 128, system: SYSTEM, messages: [{role: 'user', content: USER}], temperature: 0.2})}))` },
  () => client.send(new InvokeModelCommand({
    modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', contentType: 'application/json', accept: 'application/json',
    body: JSON.stringify(invokeBody),
  })));
  client.destroy(); // closes the HTTP/2 session so the process can exit
}

// ---- 9. tools, tool results, response formats and images (issue 12) -----------------------------------------
// One tool, one question; the second turn carries the model's call and the tool's answer.
const WEATHER_PARAMS = { type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] };
const WEATHER = { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_PARAMS };
const TOOL_Q = 'What is the weather in Paris?';
const TOOL_ARGS = '{"city":"Paris"}';
const TOOL_RESULT = '18 C and sunny';
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' }, celsius: { type: 'number' } }, required: ['city', 'celsius'] };
const IMAGE_Q = 'What is in this image?';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
{
  const sdk = sdkVersion('openai');
  const model = 'mistralai/Codestral-22B-v0.1';
  const client = new OpenAI({ baseURL: `${BASE}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  const ctor = "new OpenAI({baseURL: 'http://127.0.0.1:PORT/v1', apiKey: 'sk-test', maxRetries: 0})";
  const tools = [{ type: 'function', function: WEATHER }];
  const offer = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: TOOL_Q }], tools, tool_choice: 'auto', max_tokens: 128 };
  await capture('openai', 'chat-tools', { sdk, respond: openAIResponder, call: `${ctor}.chat.completions.create(${JSON.stringify(offer)})` },
    () => client.chat.completions.create(offer));
  const result = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: TOOL_Q },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: TOOL_ARGS } }] },
    { role: 'tool', tool_call_id: 'call_1', content: TOOL_RESULT }], tools, max_tokens: 128 };
  await capture('openai', 'chat-tool-result', { sdk, respond: openAIResponder, call: `${ctor}.chat.completions.create(${JSON.stringify(result)})` },
    () => client.chat.completions.create(result));
  const schema = { model, messages: [{ role: 'user', content: TOOL_Q }], max_tokens: 128,
    response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: WEATHER_SCHEMA, strict: true } } };
  await capture('openai', 'chat-json-schema', { sdk, respond: openAIResponder, call: `${ctor}.chat.completions.create(${JSON.stringify(schema)})` },
    () => client.chat.completions.create(schema));
  const image = { model, messages: [{ role: 'user', content: [{ type: 'text', text: IMAGE_Q }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }], max_tokens: 128 };
  await capture('openai', 'chat-image', { sdk, respond: openAIResponder, call: `${ctor}.chat.completions.create(${JSON.stringify(image)})` },
    () => client.chat.completions.create(image));
}
{
  // Anthropic Messages on Vertex and Bedrock: the 0.x SDKs, whose anthropic_version the gateway sends.
  const anthropicTools = [{ name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER_PARAMS }];
  const offer = { max_tokens: 128, system: SYSTEM, messages: [{ role: 'user', content: TOOL_Q }], tools: anthropicTools, tool_choice: { type: 'auto' } };
  const result = { max_tokens: 128, system: SYSTEM, tools: anthropicTools, messages: [{ role: 'user', content: TOOL_Q },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: TOOL_RESULT }] }] };
  const image = { max_tokens: 128, messages: [{ role: 'user', content: [{ type: 'text', text: IMAGE_Q }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] };
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'ya29.test-token' });
  const vsdk = sdkVersion('@anthropic-ai/vertex-sdk-v0');
  const vertex = new AnthropicVertexV0({ region: 'us-east5', projectId: 'my-project', baseURL: `${BASE}/v1`, authClient, maxRetries: 0 });
  const vctor = "new AnthropicVertex({region: 'us-east5', projectId: 'my-project', baseURL: 'http://127.0.0.1:PORT/v1', authClient, maxRetries: 0})";
  const vmodel = 'claude-3-5-sonnet-v2@20241022';
  for (const [name, req] of [['sdk0-chat-tools', offer], ['sdk0-chat-tool-result', result], ['sdk0-chat-image', image]]) {
    await capture('vertex_claude', name, { sdk: vsdk, respond: anthropicSSEResponder, call: `${vctor}.messages.create(${JSON.stringify({ model: vmodel, ...req })})` },
      () => vertex.messages.create({ model: vmodel, ...req }));
  }
  const bsdk = sdkVersion('@anthropic-ai/bedrock-sdk-v0');
  const bedrock = new AnthropicBedrockV0({ awsRegion: 'us-east-1', awsAccessKey: 'AKIDEXAMPLE', awsSecretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', baseURL: BASE, maxRetries: 0 });
  const bctor = "new AnthropicBedrock({awsRegion: 'us-east-1', awsAccessKey: 'AKIDEXAMPLE', awsSecretKey: '...', baseURL: 'http://127.0.0.1:PORT', maxRetries: 0})";
  const bmodel = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
  for (const [name, req] of [['sdk0-chat-tools', offer], ['sdk0-chat-tool-result', result]]) {
    await capture('bedrock_claude', name, { sdk: bsdk, respond: bedrockInvokeResponder, call: `${bctor}.messages.create(${JSON.stringify({ model: bmodel, ...req })})` },
      () => bedrock.messages.create({ model: bmodel, ...req }));
  }
}
{
  const sdk = sdkVersion('@google/genai');
  const ai = new GoogleGenAI({ vertexai: true, project: 'my-project', location: 'us-central1', apiVersion: 'v1',
    httpOptions: { baseUrl: BASE, headers: { Authorization: 'Bearer ya29.test-token' } }, googleAuthOptions: { authClient: (() => { const c = new OAuth2Client(); c.setCredentials({ access_token: 'ya29.test-token' }); return c; })() } });
  const ctor = "new GoogleGenAI({vertexai: true, project: 'my-project', location: 'us-central1', apiVersion: 'v1', httpOptions: {baseUrl: 'http://127.0.0.1:PORT'}, googleAuthOptions: {authClient}})";
  const model = 'gemini-2.0-flash-001';
  const tools = [{ functionDeclarations: [WEATHER] }];
  const offer = { model, contents: TOOL_Q, config: { systemInstruction: SYSTEM, maxOutputTokens: 128, tools, toolConfig: { functionCallingConfig: { mode: 'AUTO' } } } };
  const result = { model, config: { systemInstruction: SYSTEM, maxOutputTokens: 128, tools }, contents: [
    { role: 'user', parts: [{ text: TOOL_Q }] },
    { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'get_weather', response: { content: TOOL_RESULT } } }] }] };
  const schema = { model, contents: TOOL_Q, config: { maxOutputTokens: 128, responseMimeType: 'application/json', responseSchema: WEATHER_SCHEMA } };
  const image = { model, contents: [{ role: 'user', parts: [{ text: IMAGE_Q }, { inlineData: { mimeType: 'image/png', data: PNG } }] }], config: { maxOutputTokens: 128 } };
  for (const [name, req] of [['chat-tools', offer], ['chat-tool-result', result], ['chat-json-schema', schema], ['chat-image', image]]) {
    await capture('vertex_gemini', name, { sdk, respond: geminiResponder, call: `${ctor}.models.generateContent(${JSON.stringify(req)})` },
      () => ai.models.generateContent(req));
  }
}
{
  const sdk = sdkVersion('@aws-sdk/client-bedrock-runtime');
  const ctor = "new BedrockRuntimeClient({region: 'us-east-1', endpoint: 'http://127.0.0.1:PORT', credentials: {...}, maxAttempts: 1})";
  const client = new BedrockRuntimeClient({
    region: 'us-east-1', endpoint: BASE_H2, maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  });
  const toolConfig = { tools: [{ toolSpec: { name: WEATHER.name, description: WEATHER.description, inputSchema: { json: WEATHER_PARAMS } } }] };
  const offer = { modelId: 'meta.llama3-3-70b-instruct-v1:0', system: [{ text: SYSTEM }], messages: [{ role: 'user', content: [{ text: TOOL_Q }] }],
    inferenceConfig: { maxTokens: 128 }, toolConfig: { ...toolConfig, toolChoice: { auto: {} } } };
  const result = { modelId: 'meta.llama3-3-70b-instruct-v1:0', system: [{ text: SYSTEM }], inferenceConfig: { maxTokens: 128 }, toolConfig, messages: [
    { role: 'user', content: [{ text: TOOL_Q }] },
    { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } }] },
    { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: TOOL_RESULT }] } }] }] };
  for (const [name, req] of [['chat-tools', offer], ['chat-tool-result', result]]) {
    await capture('bedrock_converse', name, { sdk, respond: converseResponder, call: `${ctor}.send(new ConverseCommand(${JSON.stringify(req)}))` },
      () => client.send(new ConverseCommand(req)));
  }
  client.destroy();
}

server.close();
server2.close();
console.log(`wrote ${results.length} files:\n  ${results.join('\n  ')}`);
if (process.exitCode) console.error('FAILED: see errors above');
