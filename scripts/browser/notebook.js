// A notebook as a student meets it: JupyterLab in headless Chromium, Run > Run All Cells, then
// a per-cell report read from the page (what each cell shows, in the order it shows it) and
// screenshots of the whole notebook, a window at a time.
// Usage: node notebook.js LAB_URL TOKEN NOTEBOOK_PATH OUT_DIR [--stdin ANSWER]...
//   LAB_URL      http://127.0.0.1:PORT (a running `jupyter lab` with token TOKEN)
//   NOTEBOOK_PATH the notebook's path relative to the server's root, e.g. notebooks/01-multiprocess.ipynb
//   OUT_DIR      where report.json and shot-NN.png go
//   --stdin A    answer the next input box with A (in order; more boxes than answers fail)
// Exit code 0 when every code cell ran and none shows an error or stderr text.
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const answers = [];
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--stdin') answers.push(args[++i]);
  else pos.push(args[i]);
}
const [lab, token, nbPath, outDir] = pos;
if (!outDir) {
  console.error('usage: node notebook.js LAB_URL TOKEN NOTEBOOK_PATH OUT_DIR [--stdin ANSWER]...');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
// The notebook on screen (a restored workspace may hold other, hidden tabs).
const VISIBLE = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook';
const timeoutMs = Number(process.env.NOTEBOOK_TIMEOUT_S || 900) * 1000;

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', e => problems.push('page error: ' + e));
    await page.goto(`${lab}/lab/tree/${nbPath}?reset&token=${token}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(VISIBLE + ' .jp-Cell', { timeout: 120000 });
    // JupyterLab may ask which kernel to start while it is still reading the kernel list: answer
    // with the notebook's own (Rust (parlab)), the way a student would.
    const t1 = Date.now();
    for (;;) {
      const dialog = await page.$('.jp-Dialog select');
      if (dialog) {
        const options = await dialog.evaluate(s => [...s.options].map(o => o.textContent));
        const want = options.find(o => /parlab/.test(o));
        if (want) await dialog.selectOption({ label: want });
        await page.click('.jp-Dialog button.jp-mod-accept');
        problems.push(`JupyterLab asked for a kernel (offered: ${options.join(', ')})`);
      }
      const status = await page.evaluate(() => document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.innerText || '');
      if (/parlab\)\s*\|\s*Idle/i.test(status)) break;
      if (Date.now() - t1 > 180000) { problems.push(`the kernel never became idle: status bar "${status}"`); break; }
      await page.waitForTimeout(500);
    }
    await page.click('text=Run', { timeout: 10000 });
    await page.click('text=Run All Cells', { timeout: 10000 });
    const t0 = Date.now();
    let answered = 0;
    // Wait until no cell is queued or running ("[*]") and the kernel is idle, answering input boxes.
    for (;;) {
      if (Date.now() - t0 > timeoutMs) { problems.push(`still running after ${timeoutMs / 1000} s`); break; }
      const box = await page.$('.jp-Stdin-input');
      if (box) {
        if (answered >= answers.length) { problems.push('an input box asked for more answers than given'); break; }
        await box.fill(answers[answered++]);
        await box.press('Enter');
      }
      const busy = await page.evaluate(VISIBLE => {
        const prompts = [...document.querySelectorAll(VISIBLE + ' .jp-CodeCell .jp-InputPrompt')];
        const running = prompts.some(p => /\[\*\]/.test(p.textContent));
        const status = document.querySelector('#jp-main-statusbar')?.innerText || '';
        return running || !/\|\s*Idle/i.test(status);
      }, VISIBLE);
      if (!busy) break;
      await page.waitForTimeout(1000);
    }
    const seconds = (Date.now() - t0) / 1000;
    const cells = await page.evaluate(VISIBLE => [...document.querySelectorAll(VISIBLE + ' .jp-Cell')].map((c, i) => {
      const code = c.classList.contains('jp-CodeCell');
      const source = (c.querySelector('.jp-InputArea-editor .cm-content') || c.querySelector('.jp-InputArea-editor'))?.innerText || '';
      const prompt = c.querySelector('.jp-InputPrompt')?.textContent.trim() || '';
      const outputs = [...c.querySelectorAll('.jp-OutputArea-output')].map(o => ({
        mime: o.getAttribute('data-mime-type') || '',
        stderr: o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr',
        error: o.classList.contains('jp-OutputArea-executeResult') ? false : !!o.querySelector('.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'),
        images: o.querySelectorAll('svg, img').length,
        text: o.innerText.slice(0, 2000),
      }));
      return { index: i, code, prompt, first_line: source.split('\n')[0], outputs };
    }), VISIBLE);
    for (const c of cells) {
      if (!c.code) continue;
      if (!/^\[\d+\]:?$/.test(c.prompt)) problems.push(`cell ${c.index} (${c.first_line}) did not run: prompt ${c.prompt}`);
      for (const o of c.outputs) {
        if (o.stderr || o.error) problems.push(`cell ${c.index} (${c.first_line}) shows ${o.stderr ? 'stderr' : 'an error'}: ${o.text.slice(0, 300)}`);
        if (/^\(\)$/.test(o.text.trim())) problems.push(`cell ${c.index} (${c.first_line}) shows ()`);
      }
    }
    // Screenshots: scroll the notebook (its tallest scrolling element) a window at a time.
    await page.evaluate(() => {
      const all = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) *')];
      const s = all.filter(e => e.scrollHeight > e.clientHeight + 10 && /(auto|scroll)/.test(getComputedStyle(e).overflowY))
        .sort((a, b) => b.scrollHeight - a.scrollHeight)[0];
      if (s) s.setAttribute('data-parlab-scroller', '1');
    });
    const scroller = '[data-parlab-scroller]';
    const height = await page.evaluate(sel => { const s = document.querySelector(sel); return s ? s.scrollHeight : 0; }, scroller);
    let n = 0;
    for (let y = 0; n === 0 || (y < height && n < 80); y += 900, n++) {
      await page.evaluate(([sel, y]) => { const s = document.querySelector(sel); if (s) s.scrollTop = y; }, [scroller, y]);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(outDir, `shot-${String(n).padStart(2, '0')}.png`) });
    }
    const report = { notebook: nbPath, seconds, answered, problems, cells };
    fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 1));
    console.log(`${nbPath}: ${cells.filter(c => c.code).length} code cells in ${seconds.toFixed(0)} s, ${n} screenshots, ${problems.length} problems`);
    problems.forEach(p => console.log('  PROBLEM: ' + p));
    process.exitCode = problems.length ? 1 : 0;
  } catch (e) {
    console.error('FAIL: ' + e);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
