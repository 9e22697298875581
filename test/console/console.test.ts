/**
 * The operator console in a real browser: headless Chromium (Debian's chromium, driven by playwright-core) against the
 * built gateway (all roles), a private nats-server, PostgreSQL and the SMSC simulator. Logs in with an admin key, sees
 * live numbers move while a load runs, pauses a carrier and sees its backlog grow and its binds idle, resumes it and
 * sees the backlog drain, finds a message and opens its timeline, sends a test message, reads the audit log; at
 * 1280×800 and at phone width. Screenshots go to test-artefacts/console/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { ROOT, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'console-test-client-key-0123456789';
const ADMIN_KEY = 'console-test-admin-key-0123456789';
const SHOTS = join(ROOT, 'test-artefacts', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A steady load over HTTP (about `perSecond` messages a second) until stopped. */
function startLoad(baseUrl: string, perSecond: number): { stop(): Promise<number>; sent(): number } {
  let n = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      await Promise.all(
        Array.from({ length: Math.max(1, Math.round(perSecond / 10)) }, async () => {
          const i = n++;
          const r = await fetch(`${baseUrl}/v1/messages`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ to: `+4477009${String(i % 100_000).padStart(5, '0')}`, from: 'ACME', text: `load ${i}`, clientRef: `load-${i}` }),
          });
          if (r.status !== 202) throw new Error(`load: ${r.status} ${await r.text()}`);
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t0))));
    }
  })();
  return {
    sent: () => n,
    async stop() {
      running = false;
      await loop;
      return n;
    },
  };
}

const numberIn = async (page: Page, selector: string): Promise<number> => Number((await page.locator(selector).first().innerText()).replace(/[^0-9.]/g, '')) || 0;

describe('operator console', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let submits = 0;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; scripts/ensure-test-services.sh does) or set CHROMIUM_PATH.`);
    mkdirSync(SHOTS, { recursive: true });
    dir = tempDir('smsmesh-console-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0, receiptDelayMs: 50 });
    smsc.onSubmit(() => submits++);
    db = await createTestDatabase();
    const configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [{ id: 'sim', prefixes: ['+44'], port: smsc.port, binds: 2, window: 10, tps: 200 }],
      moreClients: [{ id: 'operator', apiKey: ADMIN_KEY, scopes: ['send', 'read', 'admin'] }],
    });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('binds up', async () => (await fetch(`${gw.baseUrl}/readyz/carriers`)).ok, 30_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('refuses a key without the admin scope, and logs in with an admin key', async () => {
    await page.goto(`${gw.baseUrl}/console`);
    await page.getByTestId('login-key').fill(API_KEY);
    await page.getByTestId('login').click();
    await expect.poll(() => page.getByTestId('error').innerText()).toContain('admin');
    await shot('login-refused');
    await page.getByTestId('login-key').fill(ADMIN_KEY);
    await page.getByTestId('login').click();
    await page.getByTestId('rate-accepted').waitFor();
    expect(await page.evaluate('sessionStorage.getItem("smsmesh.adminKey")')).toBe(ADMIN_KEY);
  });

  it('shows live numbers moving while a load runs, pauses a carrier (backlog grows, binds idle) and resumes it (backlog drains)', async () => {
    const load = startLoad(gw.baseUrl, 50);
    try {
      await expect.poll(() => numberIn(page, '[data-testid=rate-accepted]'), { timeout: 30_000 }).toBeGreaterThan(10);
      await expect.poll(() => numberIn(page, '[data-testid=rate-submitted]'), { timeout: 30_000 }).toBeGreaterThan(10);
      await expect.poll(() => numberIn(page, '[data-testid=rate-delivered]'), { timeout: 30_000 }).toBeGreaterThan(10);
      await expect.poll(async () => (await page.getByTestId('accept-latency').innerText()).includes('—'), { timeout: 10_000 }).toBe(false);
      await page.waitForTimeout(3000);
      await shot('overview-under-load');

      await page.click('nav a[data-page=carriers]');
      const card = page.getByTestId('carrier-sim');
      await card.waitFor();
      await expect.poll(() => card.getByTestId('bind').count()).toBe(2);
      await card.getByTestId('pause').click();
      await page.waitForSelector('[data-testid=carrier-sim][data-state=paused]');
      await expect.poll(async () => (await card.getByTestId('bind-state').allInnerTexts()).join(','), { timeout: 15_000 }).toBe('paused,paused');
      // Nothing goes to the SMSC while paused: once the binds are idle, the simulator's count stands still.
      await expect.poll(async () => (await card.getByTestId('bind-inflight').allInnerTexts()).join(','), { timeout: 15_000 }).toBe('0 / 10,0 / 10');
      const submitsAtPause = submits;
      const first = await numberIn(page, '[data-testid=carrier-sim] [data-testid=backlog]');
      await expect.poll(() => numberIn(page, '[data-testid=carrier-sim] [data-testid=backlog]'), { timeout: 30_000 }).toBeGreaterThan(first + 50);
      expect(submits).toBe(submitsAtPause);
      await shot('carriers-paused');
    } finally {
      await load.stop();
    }
    const backlog = await numberIn(page, '[data-testid=carrier-sim] [data-testid=backlog]');
    expect(backlog).toBeGreaterThan(50);
    await page.getByTestId('carrier-sim').getByTestId('resume').click();
    await page.waitForSelector('[data-testid=carrier-sim][data-state=active]');
    await expect.poll(() => page.locator('[data-testid=carrier-sim] [data-testid=backlog]').innerText(), { timeout: 60_000 }).toBe('0');
    await shot('carriers-drained');
  });

  it('finds a message by clientRef and opens its timeline', async () => {
    await page.click('nav a[data-page=messages]');
    await page.getByTestId('search-client').selectOption('test-client');
    await page.getByTestId('search-ref').fill('load-3');
    await expect
      .poll(async () => {
        await page.getByTestId('search').click();
        await page.getByTestId('message-results').waitFor();
        return (await page.getByTestId('message-row').allInnerTexts()).join('\n');
      }, { timeout: 30_000 })
      .toContain('delivered');
    await page.getByTestId('message-row').first().click();
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const steps = await timeline.getByTestId('timeline-step').allInnerTexts();
    expect(steps[0]).toContain('accepted');
    expect(steps.some((s) => s.includes('part 1 submitted'))).toBe(true);
    expect(steps.some((s) => s.includes('receipt DELIVRD'))).toBe(true);
    expect(steps[steps.length - 1]).toContain('final: delivered');
    await shot('message-timeline');
  });

  it('sends a test message and follows it to its timeline', async () => {
    await page.click('nav a[data-page=send]');
    await page.getByTestId('send').click();
    const id = await page.getByTestId('sent-id').innerText();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Show its timeline' }).click();
    await page.waitForSelector('[data-page=messages]');
    expect(await page.getByTestId('search-id').inputValue()).toBe(id);
    // Visible once the status writer has stored it (within a second or so): search again until then.
    await expect
      .poll(async () => {
        if ((await page.getByTestId('timeline').count()) === 0) await page.getByTestId('search').click();
        return (await page.getByTestId('timeline').count()) > 0 ? page.getByTestId('timeline').innerText() : '';
      }, { timeout: 30_000 })
      .toContain(id);
  });

  it('shows the audit log of what was done', async () => {
    await page.click('nav a[data-page=audit]');
    await page.getByTestId('audit-table').waitFor();
    const rows = await page.getByTestId('audit-row').allInnerTexts();
    expect(rows.some((r) => r.includes('carrier.pause') && r.includes('operator'))).toBe(true);
    expect(rows.some((r) => r.includes('carrier.resume'))).toBe(true);
    await shot('audit');
  });

  it('is usable at phone width (390 px): no page-wide horizontal scrolling, controls on screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const p of ['overview', 'carriers', 'messages', 'audit']) {
      await page.click(`nav a[data-page=${p}]`);
      await page.waitForSelector(`[data-page=${p}] h2`);
      await page.waitForTimeout(1500);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, `${p} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      await shot(`phone-${p}`);
    }
    const pause = page.getByTestId('carrier-sim').getByTestId('pause');
    await page.click('nav a[data-page=carriers]');
    await pause.waitFor();
    const box = await pause.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  });
});
