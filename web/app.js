// lookout's live page: plain browser JavaScript, no build step, no framework.
// - /status every 2 s: each camera's state and reason, inferred fps, skip reasons and counts;
// - /cameras/<name>/latest.jpg per camera, fetched again at the camera's inferred rate;
// - /events (server-sent events): the last events, newest first.
// On a server bound beyond loopback, pictures need the token: open the page as /?token=<http.token>.
'use strict';

const STATUS_MS = 2000;
const MAX_EVENTS = 40;
const params = new URLSearchParams(location.search);
const token = params.get('token');
const cards = new Map();
let pictures = 'open';

const $ = (selector, root = document) => root.querySelector(selector);
const text = (el, value) => { if (el.textContent !== value) el.textContent = value; };
const round = (v, digits = 1) => (typeof v === 'number' ? v.toFixed(digits) : '–');

function pictureUrl(name) {
  const url = new URL(`cameras/${encodeURIComponent(name)}/latest.jpg`, location.href);
  url.search = '';
  if (token) url.searchParams.set('token', token);
  return url;
}

async function loadPage() {
  try {
    const page = await (await fetch('page.json', { cache: 'no-store' })).json();
    pictures = page.pictures;
  } catch { /* an older server: assume open */ }
  const notice = $('#notice');
  if (pictures === 'off') {
    notice.textContent = 'Pictures are off: this server listens beyond this machine and has no http.token set. Set http.token to see them.';
    notice.hidden = false;
  } else if (pictures === 'token' && !token) {
    notice.textContent = 'Pictures need the token: this server listens beyond this machine. Open this page as /?token=<http.token>.';
    notice.hidden = false;
  } else if (pictures === 'token') {
    notice.textContent = 'This server listens beyond this machine: pictures are served with your token only.';
    notice.hidden = false;
  }
}

function card(name) {
  let c = cards.get(name);
  if (c) return c;
  const node = $('#camera-card').content.firstElementChild.cloneNode(true);
  node.dataset.camera = name;
  text($('.name', node), name);
  $('img', node).alt = `Latest picture of ${name}`;
  $('#cameras').append(node);
  c = { node, fps: 0, timer: null, url: null, streaming: false };
  cards.set(name, c);
  refreshPicture(name, c);
  return c;
}

// One picture at a time per camera, then wait one inferred frame (0.2 to 5 per second).
async function refreshPicture(name, c) {
  const note = $('.picture-note', c.node);
  const img = $('img', c.node);
  let wait = 1000;
  if (pictures === 'off' || (pictures === 'token' && !token)) {
    text(note, 'Pictures need the token (see above)');
    return;
  }
  try {
    const response = await fetch(pictureUrl(name), { cache: 'no-store' });
    if (response.ok) {
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = url; });
      if (c.url) URL.revokeObjectURL(c.url);
      c.url = url;
      text(note, '');
      c.node.dataset.picture = response.headers.get('x-captured-at') || 'yes';
      wait = 1000 / Math.min(5, Math.max(0.2, c.fps || 0.2));
    } else {
      const body = await response.json().catch(() => ({}));
      if (!c.url) text(note, response.status === 503 ? 'Waiting for the first inferred picture …' : body.error || `HTTP ${response.status}`);
      wait = response.status === 503 ? 1000 : 5000;
    }
  } catch {
    wait = 3000;
  }
  c.timer = setTimeout(() => refreshPicture(name, c), wait);
}

function chips(el, entries, empty) {
  const html = entries.length === 0 ? `<span class="muted">${empty}</span>` : entries.map(([k, v]) => `<span class="chip">${escape(k)} ${escape(String(v))}</span>`).join('');
  if (el.innerHTML !== html) el.innerHTML = html;
}

function escape(s) {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
}

function showCamera(name, cam) {
  const c = card(name);
  const sched = cam.scheduler;
  c.fps = sched ? sched.inferred_fps : 0;
  const state = $('.state', c.node);
  text(state, cam.state);
  state.className = `badge state ${cam.state}`;
  text($('.reason', c.node), cam.reason || (sched && sched.motion_enabled && !sched.motion ? 'still scene: idle rate' : ''));
  text($('.fps', c.node), sched
    ? `${round(sched.inferred_fps)} fps of ${round(sched.fps_in)} in (wanted ${round(sched.wanted_fps)}, target ${round(sched.target_fps)})`
    : `${round(cam.fps_in)} fps in`);
  const skips = sched ? Object.entries(sched.skipped_fps).filter(([, v]) => v > 0).map(([k, v]) => [k, `${round(v)}/s`]) : [];
  chips($('.skips', c.node), skips, 'none');
  const counts = Object.entries(cam.objects || {}).filter(([, n]) => n > 0);
  chips($('.counts', c.node), counts, 'nothing');
  c.node.dataset.counts = counts.map(([k, n]) => `${k}=${n}`).join(',');
}

async function pollStatus() {
  try {
    const status = await (await fetch('status', { cache: 'no-store' })).json();
    text($("#about"), `${status.hostname} · v${status.version} · ${status.detector.model.split("/").pop()}`);
    const mqtt = $('#mqtt');
    text(mqtt, status.mqtt.connected ? 'MQTT connected' : 'MQTT not connected');
    mqtt.className = `badge ${status.mqtt.connected ? 'on' : 'off'}`;
    const names = Object.keys(status.cameras);
    if (names.length === 0) $('#cameras').innerHTML = '<p class="muted">No cameras configured.</p>';
    else $('#cameras > p')?.remove();
    for (const name of names) showCamera(name, status.cameras[name]);
  } catch {
    text($('#mqtt'), 'lookout not reachable');
  }
  setTimeout(pollStatus, STATUS_MS);
}

function addEvent(event) {
  const body = $('#events tbody');
  const row = document.createElement('tr');
  row.className = event.type;
  const time = new Date(event.timestamp).toLocaleTimeString();
  const object = `${event.label} ${event.id.split('-').pop()}${event.stationary ? ' (still)' : ''}`;
  for (const value of [time, event.camera, event.type, object, `${Math.round(event.top_score * 100)}%`]) {
    const cell = document.createElement('td');
    cell.textContent = value;
    row.append(cell);
  }
  body.prepend(row);
  while (body.rows.length > MAX_EVENTS) body.deleteRow(body.rows.length - 1);
  $('#no-events').hidden = true;
}

function listen() {
  const source = new EventSource('events');
  source.onmessage = (message) => {
    try { addEvent(JSON.parse(message.data)); } catch { /* not an event */ }
  };
  // EventSource reconnects by itself; a reconnect sends the backlog again, so start the list afresh.
  source.onopen = () => { $('#events tbody').replaceChildren(); };
}

loadPage().then(() => {
  pollStatus();
  listen();
});
