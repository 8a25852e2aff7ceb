// The published site in a real browser (docs/web.md §6): Debian's chromium, headless, driven by
// puppeteer-core (tests/peers, scripts/setup-peers). A simulated election (`psephos demo`) is
// published with `psephos publish`, served from 127.0.0.1 on a free port, and checked:
//  - a valid tracking code (from the demo's proof bundle) is verified, in English and Spanish;
//  - a tampered shard record, inclusion proof, district checkpoint or election checkpoint fails
//    with the check's name (W2…W6), an unknown code is not found;
//  - the results page's totals, read without JavaScript, equal `psephos results --json`;
//  - axe-core reports no WCAG 2.1 A/AA violation on any page;
//  - screenshots web-*.png go to SCREENSHOT_DIR.
// Usage: node browser.test.mjs PSEPHOS_EXE CHROMIUM WORK_DIR SCREENSHOT_DIR
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {dirname, extname, join, normalize} from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'peers', 'package.json'));
let puppeteer;
let axeSource;
try {
    puppeteer = require('puppeteer-core');
    axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
    console.error(`puppeteer-core or axe-core is missing: run scripts/setup-peers (${e.message})`);
    process.exit(1);
}

const [psephos, chromium, work, screenshots] = process.argv.slice(2);
if (!psephos || !chromium || !work || !screenshots) {
    console.error('usage: node browser.test.mjs PSEPHOS_EXE CHROMIUM WORK_DIR SCREENSHOT_DIR');
    process.exit(2);
}
if (!existsSync(chromium)) {
    console.error(`chromium not found (${chromium}): apt-get install chromium (scripts/setup)`);
    process.exit(1);
}

rmSync(work, {recursive: true, force: true});
mkdirSync(work, {recursive: true});
mkdirSync(screenshots, {recursive: true});
const data = join(work, 'demo');
const site = join(work, 'site');
execFileSync(psephos, ['demo', '--voters', '40', '--in-process', '--seed', '7', '--data', data], {stdio: 'ignore'});
// Four ballots a shard, so that the ten districts have many shards and the prefixes matter.
execFileSync(psephos, ['publish', join(data, 'record'), '--out', site, '--shard-size', '4']);
const results = JSON.parse(execFileSync(psephos, ['results', '--data', data, '--json'], {encoding: 'utf8'}));
// The demo's proof bundle for a voter's receipt names a cast ballot (made by psephos proof, not by publish).
const receipt = JSON.parse(readFileSync(join(data, 'anchors', 'receipt-proof.json'), 'utf8')).ballot;
const challenged = JSON.parse(readFileSync(join(data, 'record', 'challenged-ballots.json'), 'utf8')).challenged_ballots[0];

const types = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json'};
const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
        const body = readFileSync(join(site, path.endsWith('/') ? path + 'index.html' : path));
        response.writeHead(200, {'content-type': types[extname(path)] || 'application/octet-stream'});
        response.end(body);
    } catch {
        response.writeHead(404);
        response.end();
    }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

let browser;
before(async () => {
    browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
    });
});
after(async () => {
    await browser?.close();
    server.close();
});

// Opens the receipt page, with `tamper(url, json)` rewriting the site's data files on the way.
async function checkCode(code, {lang = 'en', tamper, district} = {}) {
    const page = await browser.newPage();
    await page.setViewport({width: 900, height: 1100});
    if (tamper) {
        await page.setRequestInterception(true);
        page.on('request', (request) => {
            const url = request.url();
            if (!url.includes('/data/')) return request.continue();
            const file = join(site, new URL(url).pathname);
            let json;
            try {
                json = JSON.parse(readFileSync(file, 'utf8'));
            } catch {
                return request.continue();
            }
            request.respond({status: 200, contentType: 'application/json', body: JSON.stringify(tamper(url, json))});
        });
    }
    await page.goto(`${base}${lang === 'es' ? 'es/' : ''}receipt.html`, {waitUntil: 'networkidle0'});
    await page.type('#code', code);
    if (district) await page.select('#district', district);
    const started = Date.now();
    await page.click('button[type=submit]');
    await page.waitForFunction(() => {
        const v = document.querySelector('#outcome [data-verdict]');
        return v && !v.textContent.endsWith('…');
    }, {timeout: 15000});
    const outcome = await page.$eval('#outcome', (o) => ({
        verdict: o.querySelector('[data-verdict]').dataset.verdict,
        text: o.innerText,
        check: o.querySelector('[data-check]')?.dataset.check,
    }));
    outcome.ms = Date.now() - started;
    return {page, outcome};
}

async function assertNoAxeViolations(page, what) {
    await page.addScriptTag({content: axeSource});
    const found = await page.evaluate(async () => {
        const r = await globalThis.axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
    });
    assert.deepEqual(found, [], `${what}: axe-core violations`);
}

const shot = (page, name, fullPage = true) => page.screenshot({path: join(screenshots, `web-${name}.png`), fullPage});
const flipHex = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

test('a valid tracking code is verified, with what was checked', async (t) => {
    const {page, outcome} = await checkCode(receipt.printed_tracking_code, {district: receipt.district});
    t.diagnostic(`fetched and verified in ${outcome.ms} ms`);
    assert.equal(outcome.verdict, 'ok', outcome.text);
    assert.match(outcome.text, /Verified/);
    assert.ok(outcome.text.includes(receipt.printed_tracking_code));
    for (const w of ['W2', 'W3', 'W4', 'W5', 'W6']) assert.ok(outcome.text.includes(w), w);
    assert.match(outcome.text, /anchored on btc-regtest/);
    await assertNoAxeViolations(page, 'receipt page, verified');
    await shot(page, 'receipt-verified');
    await page.close();
});

test('the Spanish page verifies the same code (lower case, no dashes), in Spanish', async () => {
    const {page, outcome} = await checkCode(receipt.tracking_code, {lang: 'es'});
    assert.equal(outcome.verdict, 'ok', outcome.text);
    assert.match(outcome.text, /Verificado/);
    await assertNoAxeViolations(page, 'Spanish receipt page');
    await shot(page, 'receipt-es');
    await page.close();
});

test('a challenged ballot is found and shows what it opened to', async () => {
    const {page, outcome} = await checkCode(challenged.tracking_code);
    assert.equal(outcome.verdict, 'ok', outcome.text);
    assert.match(outcome.text, /challenged ballot/);
    for (const c of challenged.contests) assert.ok(outcome.text.includes(c.contest_id), c.contest_id);
    await shot(page, 'receipt-challenged');
    await page.close();
});

test('a code looked up in another district is not found there', async () => {
    const other = results.districts.map((d) => d.district).find((d) => d !== receipt.district);
    const {page, outcome} = await checkCode(receipt.printed_tracking_code, {district: other});
    assert.equal(outcome.verdict, 'missing', outcome.text);
    await page.close();
});

test('an unknown code is not found; a malformed one is refused', async () => {
    let {page, outcome} = await checkCode('AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA');
    assert.equal(outcome.verdict, 'missing', outcome.text);
    assert.match(outcome.text, /No ballot with this tracking code/);
    await page.close();
    ({page, outcome} = await checkCode('hello'));
    assert.equal(outcome.verdict, 'bad');
    assert.match(outcome.text, /not a tracking code/);
    await page.close();
});

const isShard = (url) => /\/data\/districts\/[^/]+\/[^/]+\.json$/.test(url);
const inDistrict = (json, id, change) => ({...json, districts: json.districts.map((d) => (d.id === id ? change(d) : d))});

const tamperings = [
    ['shard record', 'W2', (url, json) => isShard(url) ? {...json, ballots: json.ballots.map((b) => {
        const bytes = Buffer.from(b.record, 'base64');
        bytes[200] ^= 1;
        return {...b, record: bytes.toString('base64')};
    })} : json],
    ['inclusion proof', 'W4', (url, json) => isShard(url) ? {...json, ballots: json.ballots.map((b) => ({...b, inclusion: [flipHex(b.inclusion[0]), ...b.inclusion.slice(1)]}))} : json],
    ['district checkpoint', 'W3', (url, json) => url.endsWith('site.json') ? inDistrict(json, receipt.district, (d) => ({...d, checkpoint: {...d.checkpoint, signed_checkpoint: d.checkpoint.signed_checkpoint.replace(/\n(\d+)\n/, (m, n) => `\n${Number(n) + 1}\n`)}})) : json],
    ['election checkpoint', 'W5', (url, json) => url.endsWith('site.json') ? {...json, election_log: {...json.election_log, signed_checkpoint: json.election_log.signed_checkpoint.replace(/\n(\d+)\n/, (m, n) => `\n${Number(n) + 1}\n`)}} : json],
    ['election-log inclusion', 'W6', (url, json) => url.endsWith('site.json') ? inDistrict(json, receipt.district, (d) => ({...d, checkpoint: {...d.checkpoint, election_inclusion: d.checkpoint.election_inclusion.map(flipHex)}})) : json],
];

for (const [what, check, tamper] of tamperings) {
    test(`a tampered ${what} fails ${check} with the reason`, async () => {
        const {page, outcome} = await checkCode(receipt.printed_tracking_code, {tamper});
        assert.equal(outcome.verdict, 'bad', outcome.text);
        assert.equal(outcome.check, check, outcome.text);
        assert.match(outcome.text, /NOT verified/);
        if (check === 'W4') await shot(page, 'receipt-failed');
        await page.close();
    });
}

test('the results read without JavaScript and their totals equal psephos results', async () => {
    for (const lang of ['en', 'es']) {
        const page = await browser.newPage();
        await page.setJavaScriptEnabled(false);
        await page.setViewport({width: 900, height: 1100});
        await page.goto(`${base}${lang === 'es' ? 'es/' : ''}index.html`, {waitUntil: 'load'});
        const totals = await page.$$eval('#totals table[data-contest]', (tables) => Object.fromEntries(tables.map((t) => [
            t.dataset.contest,
            Object.fromEntries([...t.querySelectorAll('tr[data-option]')].map((r) => [r.dataset.option, Number(r.querySelector('td.count').textContent)])),
        ])));
        assert.deepEqual(totals, results.totals);
        const districts = await page.$$eval('section.district', (s) => s.length);
        assert.equal(districts, results.districts.length);
        await page.setJavaScriptEnabled(true);
        await page.reload({waitUntil: 'load'});
        await assertNoAxeViolations(page, `${lang} results page`);
        if (lang === 'en') await shot(page, 'results', false);
        await page.close();
    }
});

// WCAG 2.1 1.4.4 and 2.1.1: at 200 % zoom (half the CSS width of the 900 px window above) the
// pages reflow without sideways scrolling, and a voter reaches the code field, types the code and
// checks it with the keyboard alone.
test('at 200 % zoom the pages reflow, and the receipt check works from the keyboard alone', async () => {
    const page = await browser.newPage();
    await page.setViewport({width: 450, height: 900});
    for (const file of ['index.html', 'receipt.html', 'es/index.html', 'es/receipt.html']) {
        await page.goto(`${base}${file}`, {waitUntil: 'networkidle0'});
        const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(scroll <= inner, `${file}: ${scroll} px wide in a ${inner} px window`);
    }
    await page.goto(`${base}receipt.html`, {waitUntil: 'networkidle0'});
    let focused = '';
    for (let i = 0; i < 30 && focused !== 'code'; ++i) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.id || '');
    }
    assert.equal(focused, 'code', 'the code field is reached with Tab');
    await page.keyboard.type(receipt.printed_tracking_code);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
        const v = document.querySelector('#outcome [data-verdict]');
        return v && !v.textContent.endsWith('…');
    }, {timeout: 15000});
    const verdict = await page.$eval('#outcome [data-verdict]', (v) => v.dataset.verdict);
    assert.equal(verdict, 'ok');
    await page.close();
});

test('the receipt page says it needs JavaScript when it is off', async () => {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.goto(`${base}receipt.html`, {waitUntil: 'load'});
    assert.match(await page.$eval('body', (b) => b.innerText), /needs JavaScript/);
    await page.close();
});
