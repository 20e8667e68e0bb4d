// The concurrency run's client: opens N streaming chat requests at once, counts how many have their first chunk
// (live) while the upstream holds every stream, samples the RSS of the given processes at that moment, then releases
// the upstream and waits for every stream to end. Prints one line of JSON.
// Usage: node bench/streams.js URL N UPSTREAM_CONTROL_URL [PID...]
const http = require('http');
const fs = require('fs');

const [url, nArg, controlUrl, ...pids] = process.argv.slice(2);
const n = Number(nArg || 1000);
const waitLiveMs = Number(process.env.LIVE_TIMEOUT_MS || 60000);
const body = JSON.stringify({ model: process.env.MODEL || 'llama', stream: true,
  messages: [{ role: 'user', content: 'Hello!' }] });
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

const ttft = [];
let live = 0;
let maxLive = 0;
let ended = 0;
let failed = 0;
let complete = 0;
const start = Date.now();

function rss() {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch (e) { /* gone */ }
  }
  return Math.round(kb / 1024);
}

function control(path) {
  return new Promise((resolve) => {
    http.request(controlUrl + path, { method: 'POST', agent: false }, (res) => {
      let s = ''; res.on('data', (d) => { s += d; }); res.on('end', () => resolve(s));
    }).on('error', () => resolve('')).end();
  });
}

function open() {
  const sent = process.hrtime.bigint();
  let first = true;
  let text = '';
  const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body) } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (d) => {
      if (first && d.includes('data:')) {
        first = false;
        ttft.push(Number(process.hrtime.bigint() - sent) / 1e6);
        live++;
        maxLive = Math.max(maxLive, live);
      }
      text += d;
    });
    res.on('end', () => {
      if (!first) live--;
      ended++;
      if (res.statusCode === 200 && text.includes('[DONE]')) complete++; else failed++;
    });
    res.on('error', () => { failed++; ended++; });
  });
  req.on('error', () => { failed++; ended++; });
  req.end(body);
}

const pct = (a, p) => {
  if (a.length === 0) return null;
  const s = [...a].sort((x, y) => x - y);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10;
};

async function main() {
  await control('/reset');
  for (let i = 0; i < n; i++) open();
  while (ttft.length + failed < n && Date.now() - start < waitLiveMs) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const allLiveMs = Date.now() - start;
  const liveAtOnce = live;
  const rssMb = rss();
  await control('/release');
  const endBy = Date.now() + 60000;
  while (ended < n && Date.now() < endBy) {
    await new Promise((r) => setTimeout(r, 20));
  }
  console.log(JSON.stringify({ n, live: liveAtOnce, maxLive, liveWithinMs: allLiveMs, complete, failed,
    ttftP50: pct(ttft, 0.5), ttftP99: pct(ttft, 0.99), rssMb }));
  process.exit(0);
}
main();
