/**
 * BatchAttributeView on BigQuery and Databricks under Pulumi mocks: the datasets or schemas (from the
 * optional `@pulumi/gcp` / `@pulumi/databricks`), the grants to the Signals principal, the batch source's
 * database and schema, the run's argv, and the credentials only as secret environment variables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { byName, installMocks, plainOccurrences, registrations, SECRET_SIG_KEY, settle } from '../support/pulumiMocks';

installMocks(
  { 'signals-batch:apiUrl': 'http://127.0.0.1:1', 'signals-batch:apiKey': 'k', 'signals-batch:apiKeyId': 'i', 'signals-batch:orgId': 'o' },
  ['signals-batch:apiKey'],
);

// Imported after the mocks, as the SDK requires.
import {
  BatchAttributeView,
  BatchAttributeViewArgsError,
  type BatchAttributeViewArgs,
  type BigqueryWarehouseArgs,
  type DatabricksWarehouseArgs,
} from '../../src/component';
import { missingPackage, OPTIONAL_PACKAGES } from '../../src/component/warehouses/optionalPackage';
import { build, COMPONENT_TYPE, tmp, view } from '../support/component';

const DATASET_TYPE = 'gcp:bigquery/dataset:Dataset';
const DATASET_IAM_TYPE = 'gcp:bigquery/datasetIamMember:DatasetIamMember';
const SCHEMA_TYPE = 'databricks:index/schema:Schema';
const GRANT_TYPE = 'databricks:index/grant:Grant';

const KEY = JSON.stringify({ type: 'service_account', private_key: '-----BEGIN PRIVATE KEY-----bq-very-secret-----END PRIVATE KEY-----' });
const TOKEN = 'dapi-0123456789-very-secret';

function bigqueryArgs(overrides: Partial<BigqueryWarehouseArgs> = {}): BatchAttributeViewArgs {
  return {
    view: view(),
    warehouse: {
      bigquery: { project: 'acme-analytics', schema: 'signals', location: 'EU', keyfileJson: pulumi.secret(KEY), ...overrides },
    },
    projectDir: path.join(tmp, 'projects'),
  };
}

function databricksArgs(overrides: Partial<DatabricksWarehouseArgs> = {}): BatchAttributeViewArgs {
  return {
    view: view(),
    warehouse: {
      databricks: {
        host: 'adb-1.2.azuredatabricks.net',
        httpPath: '/sql/1.0/warehouses/abc123',
        token: TOKEN,
        catalog: 'Analytics',
        schema: 'signals',
        ...overrides,
      },
    },
    projectDir: path.join(tmp, 'projects'),
  };
}

const sortByName = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));

describe('BatchAttributeView on BigQuery', () => {
  it('creates the three datasets in the project, kept on destroy, before the run', async () => {
    const { own } = await build('bq', bigqueryArgs());
    const root = own.find((r) => r.type === COMPONENT_TYPE)!;
    const datasets = own.filter((r) => r.type === DATASET_TYPE);
    expect(
      sortByName(datasets).map((r) => [r.name, r.inputs.project, r.inputs.datasetId, r.inputs.location, r.inputs.deleteContentsOnDestroy]),
    ).toEqual([
      ['bq-derived-dataset', 'acme-analytics', 'signals_derived', 'EU', false],
      ['bq-manifest-dataset', 'acme-analytics', 'signals_snowplow_manifest', 'EU', false],
      ['bq-scratch-dataset', 'acme-analytics', 'signals_scratch', 'EU', false],
    ]);
    for (const r of datasets) {
      expect(r.parent).toBe(root.urn);
      expect(r.retainOnDelete).toBe(true);
      expect(byName('bq-dbt-run').dependencies).toContain(r.urn);
    }
    expect(own.filter((r) => r.type.startsWith('gcp:')).length).toBe(3);
  });

  it('registers the batch source as project and derived dataset', async () => {
    const { component } = await build('bqsource', bigqueryArgs());
    expect(byName('bqsource-batch-source').inputs).toMatchObject({
      database: 'acme-analytics',
      schema: 'signals_derived',
      table: 'engagement_2_attributes',
      timestampField: 'updated_at',
    });
    expect(component.schemas.length).toBe(3);
  });

  it('grants the Signals member dataViewer on the derived dataset only, before the batch source', async () => {
    const { own, component } = await build(
      'bqrole',
      bigqueryArgs({ signalsMember: 'serviceAccount:signals@acme.iam.gserviceaccount.com' }),
    );
    const grants = own.filter((r) => r.type === DATASET_IAM_TYPE);
    expect(grants.map((g) => [g.name, g.inputs])).toEqual([
      [
        'bqrole-grant-derived-viewer',
        {
          project: 'acme-analytics',
          datasetId: 'signals_derived',
          role: 'roles/bigquery.dataViewer',
          member: 'serviceAccount:signals@acme.iam.gserviceaccount.com',
        },
      ],
    ]);
    expect(grants[0].dependencies).toContain(byName('bqrole-derived-dataset').urn);
    expect(byName('bqrole-batch-source').dependencies).toContain(grants[0].urn);
    expect(component.grants.length).toBe(1);
  });

  it('with createSchemas false leaves the datasets to dbt, and grants once the run has created them', async () => {
    const { own } = await build('bqdbt', bigqueryArgs({ createSchemas: false, signalsMember: 'group:signals@acme.com' }));
    expect(own.filter((r) => r.type === DATASET_TYPE)).toEqual([]);
    expect(byName('bqdbt-grant-derived-viewer').dependencies).toEqual([byName('bqdbt-dbt-run').urn]);
  });

  it('deletes the datasets and their tables on destroy only when asked', async () => {
    const { own } = await build('bqdrop', bigqueryArgs({ dropSchemasOnDestroy: true }));
    for (const r of own.filter((x) => x.type === DATASET_TYPE)) {
      expect(r.retainOnDelete).toBe(false);
      expect(r.inputs.deleteContentsOnDestroy).toBe(true);
    }
  });

  it('passes the project, location and dataset to signals-batch run, and the key only as a secret environment variable', async () => {
    await build('bqrun', bigqueryArgs({ maximumBytesBilled: 5_000_000_000 }));
    const run = byName('bqrun-dbt-run').inputs;
    expect(run.create).toContain(
      '--bigquery-project acme-analytics --bigquery-location EU --bigquery-maximum-bytes-billed 5000000000 --schema signals --target-name prod',
    );
    expect(run.environment[SECRET_SIG_KEY]).toBeDefined();
    expect(run.environment.value).toEqual({ SIGNALS_BATCH_DBT_BIGQUERY_KEYFILE_JSON: KEY });
    expect(registrations.flatMap((r) => plainOccurrences(r.inputs, 'bq-very-secret', r.name))).toEqual([]);
  });

  it('without a key leaves dbt to Application Default Credentials: no environment at all', async () => {
    await build('bqadc', bigqueryArgs({ keyfileJson: undefined }));
    expect(byName('bqadc-dbt-run').inputs.environment).toEqual({});
  });
});

describe('BatchAttributeView on Databricks', () => {
  it('creates the three schemas in the catalog (lower case, as Unity Catalog keeps them), kept on destroy, before the run', async () => {
    const { own } = await build('dbx', databricksArgs());
    const root = own.find((r) => r.type === COMPONENT_TYPE)!;
    const schemas = own.filter((r) => r.type === SCHEMA_TYPE);
    expect(sortByName(schemas).map((r) => [r.name, r.inputs.catalogName, r.inputs.name, r.inputs.forceDestroy])).toEqual([
      ['dbx-derived-schema', 'analytics', 'signals_derived', false],
      ['dbx-manifest-schema', 'analytics', 'signals_snowplow_manifest', false],
      ['dbx-scratch-schema', 'analytics', 'signals_scratch', false],
    ]);
    for (const r of schemas) {
      expect(r.parent).toBe(root.urn);
      expect(r.retainOnDelete).toBe(true);
      expect(byName('dbx-dbt-run').dependencies).toContain(r.urn);
    }
    expect(byName('dbx-batch-source').inputs).toMatchObject({
      database: 'analytics',
      schema: 'signals_derived',
      table: 'engagement_2_attributes',
      timestampField: 'updated_at',
    });
  });

  it('grants the Signals principal exactly USE_CATALOG, and USE_SCHEMA and SELECT on the derived schema', async () => {
    const { own, component } = await build('dbxrole', databricksArgs({ signalsPrincipal: 'signals-sync' }));
    const grants = own.filter((r) => r.type === GRANT_TYPE);
    expect(sortByName(grants).map((g) => [g.name, g.inputs])).toEqual([
      ['dbxrole-grant-catalog-usage', { principal: 'signals-sync', catalog: 'analytics', privileges: ['USE_CATALOG'] }],
      [
        'dbxrole-grant-derived-schema',
        { principal: 'signals-sync', schema: 'analytics.signals_derived', privileges: ['USE_SCHEMA', 'SELECT'] },
      ],
    ]);
    expect(byName('dbxrole-grant-derived-schema').dependencies).toContain(byName('dbxrole-derived-schema').urn);
    for (const g of grants) expect(byName('dbxrole-batch-source').dependencies).toContain(g.urn);
    expect(component.grants.length).toBe(2);
    expect(own.filter((r) => r.type.startsWith('databricks:')).length).toBe(5);
  });

  it('with createSchemas false leaves the schemas to dbt, and grants on the schema once the run has created it', async () => {
    const { own } = await build('dbxdbt', databricksArgs({ createSchemas: false, signalsPrincipal: 'signals-sync' }));
    expect(own.filter((r) => r.type === SCHEMA_TYPE)).toEqual([]);
    expect(byName('dbxdbt-grant-derived-schema').dependencies).toEqual([byName('dbxdbt-dbt-run').urn]);
  });

  it('passes host, HTTP path, catalog and schema to signals-batch run, and the token only as a secret environment variable', async () => {
    await build('dbxrun', databricksArgs());
    const run = byName('dbxrun-dbt-run').inputs;
    expect(run.create).toContain(
      '--databricks-host adb-1.2.azuredatabricks.net --databricks-http-path /sql/1.0/warehouses/abc123 --databricks-catalog analytics --schema signals --target-name prod',
    );
    expect(run.create).not.toContain(TOKEN);
    expect(run.environment[SECRET_SIG_KEY]).toBeDefined();
    expect(run.environment.value).toEqual({ SIGNALS_BATCH_DBT_DATABRICKS_TOKEN: TOKEN });
    expect(registrations.flatMap((r) => plainOccurrences(r.inputs, TOKEN, r.name))).toEqual([]);
  });
});

describe('cloud warehouse arguments', () => {
  it.each([
    [
      'a BigQuery location with a quote',
      () => bigqueryArgs({ location: "EU'" }),
      /warehouse.bigquery.location: location must be a BigQuery location/,
    ],
    [
      'dropping datasets managed elsewhere',
      () => bigqueryArgs({ createSchemas: false, dropSchemasOnDestroy: true }),
      /dropSchemasOnDestroy needs createSchemas/,
    ],
    [
      'a Databricks host with a scheme',
      () => databricksArgs({ host: 'https://adb-1.net' }),
      /warehouse.databricks.host: host must be a host name/,
    ],
    ['no Databricks token', () => databricksArgs({ token: undefined as unknown as string }), /warehouse.databricks.token/],
  ])('rejects %s before registering anything', async (_label, makeArgs, message) => {
    await settle();
    const before = registrations.length;
    expect(() => new BatchAttributeView('badcloud', makeArgs())).toThrow(BatchAttributeViewArgsError);
    expect(() => new BatchAttributeView('badcloud', makeArgs())).toThrow(message);
    await settle();
    expect(registrations.length).toBe(before);
  });

  it('names the optional package to install when it is absent', () => {
    const absent = () => {
      throw Object.assign(new Error("Cannot find module '@pulumi/gcp'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(missingPackage('@pulumi/gcp', 'bigquery', absent)).toBe(
      'warehouse.bigquery needs the @pulumi/gcp package, an optional peer dependency of signals-batch: install it with `npm install @pulumi/gcp@9.37.0`',
    );
    expect(missingPackage('@pulumi/databricks', 'databricks')).toBeUndefined();
  });

  it('declares each optional package as an optional peer dependency, pinned as the code expects, and as a dev dependency', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    for (const [name, version] of Object.entries(OPTIONAL_PACKAGES)) {
      expect({
        name,
        peer: manifest.peerDependencies[name],
        optional: manifest.peerDependenciesMeta[name],
        dev: manifest.devDependencies[name],
      }).toEqual({
        name,
        peer: version,
        optional: { optional: true },
        dev: version,
      });
      expect(manifest.dependencies[name]).toBeUndefined();
    }
  });
});
