import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { Browser, chromium } from 'playwright-core';

import { QueueName } from '../../src/queue/jobs';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TEST_PASSWORD, TestUser } from '../factories/people.factory';
import { configureQueueOperator, createQueueOperator } from '../helpers/queue-dashboard';

// Debian's Chromium (`.ci/run` installs it when missing); playwright-core downloads no browser.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

jest.setTimeout(120_000);

describe('queue dashboard in a real browser (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let operator: TestUser;
  let origin: string;
  const operatorId = configureQueueOperator();

  beforeAll(async () => {
    // Fail, never skip: a machine without Chromium has not run this test.
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`,
      );
    }
    t = await createTestApp();
    operator = await createQueueOperator(t.app, operatorId);
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should send an operator to sign in, then show the queues; signing out ends it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/admin/queues`);
    expect(page.url()).toBe(`${origin}/admin/queues/auth/sign-in`);

    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'queue-dashboard-sign-in.png') });
    await page.fill('#email', operator.email);
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([
      page.waitForURL(`${origin}/admin/queues`),
      page.click('button[type=submit]'),
    ]);
    const failed: string[] = [];
    page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    for (const name of Object.values(QueueName)) {
      await page.getByText(name, { exact: true }).first().waitFor({ state: 'visible' });
    }
    await page.waitForLoadState('networkidle');
    await page.getByText('Loading...').waitFor({ state: 'hidden' });
    // Every call the board's page made (its API, its assets) went through on the cookie.
    expect(failed).toEqual([]);
    const [cookie] = await context.cookies();
    expect(cookie).toEqual(
      expect.objectContaining({
        name: 'rb_queue_dashboard',
        path: '/admin/queues',
        httpOnly: true,
        sameSite: 'Strict',
        secure: false,
      }),
    );
    // HttpOnly: the page's scripts cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');

    const file = join(OUTPUT_DIR, 'queue-dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(10_000);

    // The board's own menu links to the sign-out page (uiConfig.miscLinks).
    await page.locator('header button[aria-haspopup="menu"]').click();
    await Promise.all([
      page.waitForURL(`${origin}/admin/queues/auth/sign-out`),
      page.getByText('Sign out').click(),
    ]);
    await Promise.all([
      page.waitForURL(`${origin}/admin/queues/auth/sign-in`),
      page.click('button[type=submit]'),
    ]);
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${origin}/admin/queues`);
    expect(page.url()).toBe(`${origin}/admin/queues/auth/sign-in`);
    await context.close();
  });

  it('should keep an organization admin who is not an operator on the sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { admin } = await createTestOrg(t.app);
    await page.goto(`${origin}/admin/queues/auth/sign-in`);
    await page.fill('#email', admin.email);
    await page.fill('#password', TEST_PASSWORD);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    expect(response.status()).toBe(403);
    await page.getByText('Only the deployment operators may open the queue dashboard.').waitFor();
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
