import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_SOURCE_DATABASE_PATTERN, SIGNALS_NAME_PATTERN } from '../../src/definition/batchSource';
import * as attributeGroup from '../../src/providers/attributeGroupRegistration';
import * as batchSource from '../../src/providers/batchSourceRegistration';
import { ROUTE_MISSING_STATUSES, SIGNALS_ENV, SIGNALS_PATHS } from '../../src/signals';

/** The providers cannot import local modules, so they carry copies; these must not drift from the originals. */
describe('provider copies of shared constants', () => {
  function helperRegion(file: string): string {
    const text = readFileSync(join(__dirname, '..', '..', 'src', 'providers', file), 'utf8');
    const start = text.indexOf('// --- begin minimal Signals HTTP helper');
    const end = text.indexOf('// --- end minimal Signals HTTP helper ---');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    return text.slice(start, end);
  }

  it('keeps the HTTP helper identical in both provider files', () => {
    expect(helperRegion('batchSourceRegistration.ts')).toBe(helperRegion('attributeGroupRegistration.ts'));
  });

  it.each([
    ['AttributeGroupRegistration', attributeGroup.providerPaths],
    ['BatchSourceRegistration', batchSource.providerPaths],
  ])('%s uses the paths of src/signals/paths.ts', (_name, paths) => {
    expect(paths.consoleToken('org/1')).toBe(SIGNALS_PATHS.consoleToken('org/1'));
    expect(paths.attributeGroups).toBe(SIGNALS_PATHS.attributeGroups);
    expect(paths.attributeGroupVersion('g', 3)).toBe(SIGNALS_PATHS.attributeGroupVersion('g', 3));
    expect(paths.batchSource('g', 3)).toBe(SIGNALS_PATHS.batchSource('g', 3));
    expect(paths.publish).toBe(SIGNALS_PATHS.publish);
    expect(paths.unpublish).toBe(SIGNALS_PATHS.unpublish);
    expect(paths.routeMissingStatuses).toEqual(ROUTE_MISSING_STATUSES);
  });

  it('reads the same environment variables as the CLI, and signals-batch:* stack config keys', () => {
    expect(attributeGroup.providerEnvNames).toEqual(SIGNALS_ENV);
    expect(batchSource.providerEnvNames).toEqual(SIGNALS_ENV);
    expect(attributeGroup.providerConfigKeys).toEqual({
      apiUrl: 'signals-batch:apiUrl',
      apiKey: 'signals-batch:apiKey',
      apiKeyId: 'signals-batch:apiKeyId',
      orgId: 'signals-batch:orgId',
      authMode: 'signals-batch:authMode',
      sandboxToken: 'signals-batch:sandboxToken',
      consoleUrl: 'signals-batch:consoleUrl',
    });
    expect(batchSource.providerConfigKeys).toEqual(attributeGroup.providerConfigKeys);
  });

  it('validates batch sources with the patterns of src/definition/batchSource.ts', () => {
    expect(batchSource.providerNamePattern.source).toBe(SIGNALS_NAME_PATTERN.source);
    expect(batchSource.providerDatabasePattern.source).toBe(BATCH_SOURCE_DATABASE_PATTERN.source);
  });
});
