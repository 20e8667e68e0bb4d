// A streaming OpenAI-compatible upstream for the concurrency run: every stream gets its first chunk at once and is
// then held until POST /release, when all of them get the rest and [DONE]. GET /held tells how many are held.
// POST /reset starts holding again. Usage: node bench/held-upstream.js PORT
const http = require('http');

const port = Number(process.argv[2] || 18093);
let held = [];
// after a release, new streams are answered whole at once (a stream that was not live in time is not held forever)
let releasing = false;

const chunk = (text) => 'data: ' + JSON.stringify({
  id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'bench',
  choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
}) + '\n\n';

const server = http.createServer((req, res) => {
  if (req.url === '/reset') {
    releasing = false;
    res.end('{}');
    return;
  }
  if (req.url === '/release') {
    releasing = true;
    const now = held;
    held = [];
    for (const r of now) {
      r.write(chunk(' world'));
      r.end('data: [DONE]\n\n');
    }
    res.end(JSON.stringify({ released: now.length }));
    return;
  }
  if (req.url === '/held') {
    res.end(JSON.stringify({ held: held.length }));
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    res.write(chunk('hello'));
    if (releasing) {
      res.write(chunk(' world'));
      res.end('data: [DONE]\n\n');
      return;
    }
    held.push(res);
    res.on('close', () => { held = held.filter((r) => r !== res); });
  });
});
server.keepAliveTimeout = 65000;
server.maxConnections = 100000;
server.listen(port, '127.0.0.1');
