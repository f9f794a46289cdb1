// A portal page framing embed.html and driving it by postMessage (bridge.js).
// The frame is told the host's origin in its URL; the host in turn accepts
// messages only from the frame's window and origin.
const EMBED = new URL('../embed.html', document.baseURI);
EMBED.searchParams.set('origin', location.origin);

const frame = document.createElement('iframe');
frame.src = EMBED.href;
frame.title = '社区规模规划';
frame.className = 'portal-embed';
frame.height = '720';
frame.dataset.testid = 'planner-frame';
document.getElementById('frame-slot').append(frame);

const log = document.getElementById('log');
const summary = document.getElementById('summary');
/** Every message received from the planner, for the console and the tests. */
window.hostLog = [];
let nextId = 1;

function send(msg) {
  const id = nextId++;
  frame.contentWindow.postMessage({ ...msg, id }, EMBED.origin);
  return id;
}
window.hostSend = send;

function note(text) {
  const li = document.createElement('li');
  li.textContent = text;
  log.prepend(li);
}

window.addEventListener('message', async (e) => {
  if (e.source !== frame.contentWindow || e.origin !== EMBED.origin) return;
  const msg = e.data;
  if (!msg || typeof msg.type !== 'string') return;
  window.hostLog.push(msg);
  switch (msg.type) {
    case 'ready': {
      note('ready ' + msg.protocol);
      const res = await fetch('../demo.geojson');
      send({ type: 'load', plan: await res.text(), fileName: 'demo.geojson' });
      break;
    }
    case 'loaded': note(`loaded #${msg.id}: ${msg.ok ? 'ok' : 'failed'} ${msg.fileName}`); break;
    case 'change': {
      const s = msg.summary;
      summary.textContent = `${s.communities} 个社区，${s.households_total.toLocaleString('zh-CN')} 户；${s.in_band} 个社区户数在标准区间内；${s.errors} 项错误（${s.reason}）`;
      note('change ' + s.reason);
      break;
    }
    case 'plan': note(`plan #${msg.id}: ${msg.plan ? msg.plan.length.toLocaleString() + ' chars' : 'none'}`); break;
    case 'report': note(`report #${msg.id}: ${msg.report ? msg.report.communities.length + ' communities' : 'none'}`); break;
    default: note(msg.type + ' ' + (msg.message ?? ''));
  }
});

document.getElementById('get-plan').addEventListener('click', () => send({ type: 'getPlan' }));
document.getElementById('get-report').addEventListener('click', () => send({ type: 'getReport' }));
