/**
 * The emulator under hostile input: its control plane needs its own token and cannot be reached by
 * path traversal, a user-given fault pattern cannot stall it, and bad requests get the right status
 * (400 for broken escapes and absurd nesting, 413 for an oversized body, 422 for invalid faults).
 */
import { FaultSpecError } from '../../src/emulator';
import { emulatorPerTest, http, rawHttp } from '../support/emulator';

// Per-test timeout of this file: it starts an emulator per test.
jest.setTimeout(3 * 60_000);

const emulator = emulatorPerTest();

const token = () => emulator().credentials.sandboxToken;

describe('emulator control plane', () => {
  it('answers 401 without the control token, even to a valid API token, and 200 with it', async () => {
    expect((await http(emulator().url, 'GET', '/_emulator/state')).status).toBe(401);
    expect((await http(emulator().url, 'GET', '/_emulator/state', { token: token() })).status).toBe(401);
    expect((await http(emulator().url, 'GET', '/_emulator/state', { controlToken: 'guessed' })).status).toBe(401);
    const refused = await http(emulator().url, 'POST', '/_emulator/faults', {
      token: token(),
      body: { path: 'engines/publish', status: 503 },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('X-Emulator-Control-Token');
    expect(emulator().faults.pending()).toEqual([]);
    const allowed = await http(emulator().url, 'GET', '/_emulator/state', { controlToken: emulator().controlToken });
    expect(allowed).toMatchObject({ status: 200, body: { attributeGroups: [], attributeKeys: [] } });
  });

  it('does not let the control token open the API', async () => {
    expect(
      (await http(emulator().url, 'GET', '/api/v1/registry/attribute_groups/', { controlToken: emulator().controlToken })).status,
    ).toBe(401);
    expect((await http(emulator().url, 'GET', '/api/v1/registry/attribute_groups/', { token: emulator().controlToken })).status).toBe(401);
  });

  it('refuses dot segments, plain or percent-encoded, so traversal cannot reach it', async () => {
    for (const path of ['/api/v1/../../_emulator/state', '/api/v1/%2e%2e/%2E%2E/_emulator/state', '/api/v1/./registry/attribute_groups/']) {
      const answer = await rawHttp(emulator().url, 'GET', path, { token: token(), controlToken: emulator().controlToken });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body.detail).toContain('Dot segments');
    }
    expect(emulator().requests.every((request) => request.status === 400)).toBe(true);
  });

  it('matches a catastrophic fault pattern such as ^/(a+)+$ in linear time, so it cannot stall the server', async () => {
    const added = await http(emulator().url, 'POST', '/_emulator/faults', {
      controlToken: emulator().controlToken,
      body: { pathRegex: '^/(a+)+$', status: 503, count: 5 },
    });
    expect(added).toMatchObject({ status: 201, body: { pending: 1 } });
    // A backtracking engine needs about 2^8000 steps to reject this path.
    const hostile = await http(emulator().url, 'GET', `/${'a'.repeat(8000)}!`);
    expect(hostile.status).toBe(404);
    expect((await http(emulator().url, 'GET', '/aaaa')).status).toBe(503);
    expect((await http(emulator().url, 'GET', '/health-all')).status).toBe(200);
  }, 30_000);

  it('refuses patterns the linear-time matcher cannot run (lookaround, backreferences), in-process and over HTTP', async () => {
    for (const pathRegex of ['^(?=a)a$', '(a)\\1']) {
      const answer = await http(emulator().url, 'POST', '/_emulator/faults', {
        controlToken: emulator().controlToken,
        body: { pathRegex, status: 500 },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.detail[0]).toMatchObject({ loc: ['body', 'pathRegex'], type: 'value_error' });
    }
    expect(() => emulator().faults.inject({ path: /(?<=x)y/, status: 500 })).toThrow(FaultSpecError);
    expect(emulator().faults.pending()).toEqual([]);
  });
});

describe('emulator status codes for bad requests', () => {
  it('answers 400 to a malformed percent-escape in the path, and keeps serving', async () => {
    for (const path of ['/api/v1/registry/attribute_groups/%E0%A4%A', '/api/v1/registry/attribute_groups/%zz/versions/1', '/health-all%']) {
      const answer = await rawHttp(emulator().url, 'GET', path, { token: token() });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body.detail).toContain('percent-encoding');
    }
    expect((await http(emulator().url, 'GET', '/health-all')).status).toBe(200);
  });

  it('answers 400 to a JSON body nested 200,000 deep, and keeps serving', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const answer = await http(emulator().url, 'POST', '/api/v1/engines/publish', { token: token(), rawBody: deep });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('nested deeper than');
    // Brackets inside strings do not count.
    const inString = await http(emulator().url, 'POST', '/api/v1/engines/publish', {
      token: token(),
      rawBody: JSON.stringify({ attribute_groups: [], services: [], x: '['.repeat(1000) }),
    });
    expect(inString.status).toBe(200);
  });

  it('answers 413 with a FastAPI body (not a reset connection) to a body over the limit, and keeps serving', async () => {
    const big = JSON.stringify({ attribute_groups: [], padding: 'x'.repeat(6 * 1024 * 1024) });
    const answer = await http(emulator().url, 'POST', '/api/v1/engines/publish', { token: token(), rawBody: big });
    expect(answer.status).toBe(413);
    expect(answer.body.detail).toContain('too large');
    expect((await http(emulator().url, 'POST', '/api/v1/engines/publish', { token: token(), body: { attribute_groups: [] } })).status).toBe(
      200,
    );
  });

  it('refuses faults with a status outside 200-599 or not an integer, a count below 1, or neither status nor stall', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ path: 'engines/publish', status: 99 }, 'status'],
      [{ path: 'engines/publish', status: 600 }, 'status'],
      [{ path: 'engines/publish', status: 100 }, 'status'],
      [{ path: 'engines/publish', status: 503.5 }, 'status'],
      [{ path: 'engines/publish', status: '503' }, 'status'],
      [{ path: 'engines/publish', status: 503, count: 0 }, 'count'],
      [{ path: 'engines/publish', status: 503, count: -2 }, 'count'],
      [{ path: 'engines/publish' }, 'status'],
      [{ status: 503 }, 'path'],
      [{ path: 'engines/publish', stallMs: -1 }, 'stallMs'],
    ];
    for (const [spec, field] of cases) {
      const answer = await http(emulator().url, 'POST', '/_emulator/faults', { controlToken: emulator().controlToken, body: spec });
      expect({ spec, status: answer.status, loc: answer.body.detail?.[0]?.loc }).toEqual({ spec, status: 422, loc: ['body', field] });
      expect(() => emulator().faults.inject(spec as never)).toThrow(FaultSpecError);
    }
    expect(emulator().faults.pending()).toEqual([]);
  });
});
