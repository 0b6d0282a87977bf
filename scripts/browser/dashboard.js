// The live dashboard in a real browser: opens URL (a running parlab's dashboard, token
// included) in headless Chromium and checks that the page renders its canvases, that what it
// shows changes while the run goes on (tasks done, the task stream's pixels), that the server
// refuses the page without its token, and that the page logs no errors.
// Usage: node dashboard.js URL [SCREENSHOT.png]. Exit code 0 when every check holds.
const { chromium } = require('playwright-core');

const [, , url, shot] = process.argv;
if (!url) {
  console.error('usage: node dashboard.js http://127.0.0.1:PORT/?token=T [screenshot.png]');
  process.exit(2);
}

function fail(message) {
  console.error('FAIL: ' + message);
  process.exitCode = 1;
}

// The task stream: its pixels as a data URL, and how many differ from the background.
async function stream(page) {
  return page.evaluate(() => {
    const c = document.getElementById('stream');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
      // Bars are saturated colours; the background, grid and text are grey.
      if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) painted++;
    }
    return { painted, data: c.toDataURL() };
  });
}

async function numbers(page) {
  return page.evaluate(() => ({
    updates: Number(document.body.dataset.updates || 0),
    done: Number(document.body.dataset.tasksDone || 0),
    text: document.getElementById('done').textContent,
    cpu: document.getElementById('cpuinfo').textContent,
  }));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const bare = url.split('?')[0];
    const refused = await page.request.get(bare);
    if (refused.status() !== 403) fail(`without the token ${bare} answered ${refused.status()}, not 403`);

    const errors = [];
    page.on('pageerror', e => errors.push('page error: ' + e));
    page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.on('response', r => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); });

    await page.goto(url, { waitUntil: 'load' });
    for (const id of ['stream', 'cpu', 'mem']) {
      if (!(await page.locator('canvas#' + id).count())) fail(`no canvas #${id}`);
    }
    await page.waitForFunction(() => Number(document.body.dataset.tasksDone || 0) > 0, null, { timeout: 120000 });
    const first = await numbers(page);
    const before = await stream(page);
    await page.waitForTimeout(2500);
    const second = await numbers(page);
    const after = await stream(page);
    console.log(`updates ${first.updates} -> ${second.updates}; tasks done ${first.text} -> ${second.text}`);
    console.log(`task stream: ${before.painted} -> ${after.painted} painted pixels; cpu ${second.cpu}`);
    if (second.updates <= first.updates + 3) fail('the page got fewer than 4 updates in 2.5 s');
    if (second.done <= first.done) fail('tasks done did not grow while the run went on');
    if (after.painted === 0) fail('the task stream shows no tasks');
    if (after.data === before.data) fail('the task stream did not change while the run went on');
    // Checked up to here: once the run ends, the page's reconnect attempts log refused
    // connections, which is right.
    const logged = errors.slice();
    if (shot) {
      // More history in the CPU and memory charts before the picture.
      await page.waitForTimeout(Number(process.env.SETTLE_MS || 6000));
      await page.screenshot({ path: shot, fullPage: true });
      console.log('wrote ' + shot + (errors.length > logged.length ? ' (the run had ended)' : ''));
    }
    if (logged.length) fail('the page logged errors:\n  ' + logged.join('\n  '));
  } finally {
    await browser.close();
  }
  if (!process.exitCode) console.log('dashboard in Chromium: every check holds');
})().catch(e => { console.error(e); process.exit(1); });
