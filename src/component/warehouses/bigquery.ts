/**
 * BigQuery: the three datasets dbt writes to (`gcp.bigquery.Dataset` from the optional `@pulumi/gcp`,
 * kept on destroy unless asked), read access for the Signals sync principal on the derived dataset, and
 * the service-account key (if any) as a secret environment variable of the run.
 */
import type * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { NAME_RULES, SECRET_ENV } from '../../runner/profiles';
import { identifier, input, nonEmpty } from '../validation';
import { loadPackage, needsPackage, provisioningIssues } from './optionalPackage';
import { schemaNames, secretEnvironment, type WarehouseUnit } from './unit';

/** A Google Cloud project's BigQuery. The batch source's `database` is the project, its `schema` the derived dataset. */
export interface BigqueryWarehouseArgs {
  /** GCP project id the datasets are created and the models built in (dbt's `project`). */
  project: pulumi.Input<string>;
  /**
   * dbt target dataset (required; letters, digits, underscore): the tables land in the datasets
   * `<schema>_derived`, `<schema>_scratch` and `<schema>_snowplow_manifest`.
   */
  schema: string;
  /** BigQuery location of the datasets and the jobs (e.g. `EU`, `US`, `europe-west2`; default BigQuery's, `US`). */
  location?: string;
  /**
   * Service-account key JSON dbt authenticates with (secret). Passed to dbt through a secret environment
   * variable only; without it dbt uses Application Default Credentials of the machine running `pulumi up`.
   */
  keyfileJson?: pulumi.Input<string>;
  /** A query that would bill more bytes is refused by BigQuery (dbt's `maximum_bytes_billed`; default no limit). */
  maximumBytesBilled?: number;
  /**
   * Create the three datasets as `gcp.bigquery.Dataset` resources (default true; needs the optional
   * `@pulumi/gcp` package). Set false when they are managed elsewhere or dbt may create them: dbt then
   * needs them to exist or the right to create them, and the Signals grant waits for the run.
   */
  createSchemas?: boolean;
  /**
   * Delete the three datasets (and every table in them) on `pulumi destroy` (default false: the
   * dataset resources are left in BigQuery, `retainOnDelete`, and the tables are kept).
   */
  dropSchemasOnDestroy?: boolean;
  /**
   * The IAM member Signals syncs with (e.g. `serviceAccount:signals@acme.iam.gserviceaccount.com`).
   * When set, the component grants it exactly `roles/bigquery.dataViewer` on the derived dataset.
   * Nothing else is granted. Needs `@pulumi/gcp`.
   */
  signalsMember?: pulumi.Input<string>;
}

const PACKAGE = '@pulumi/gcp';

const argsSchema = z
  .object({
    project: input(nonEmpty('project')),
    schema: identifier('schema'),
    location: z.string().regex(NAME_RULES.bigqueryLocation.pattern, `location must be ${NAME_RULES.bigqueryLocation.says}`).optional(),
    keyfileJson: input(nonEmpty('keyfileJson')).optional(),
    maximumBytesBilled: z.number().int('maximumBytesBilled must be a whole number').positive().optional(),
    createSchemas: z.boolean().optional(),
    dropSchemasOnDestroy: z.boolean().optional(),
    signalsMember: input(nonEmpty('signalsMember')).optional(),
  })
  .strict()
  .superRefine((s, ctx) => provisioningIssues(s, s.signalsMember, { name: PACKAGE, warehouse: 'bigquery', schemas: 'datasets' }, ctx));

export const bigqueryWarehouse: WarehouseUnit<BigqueryWarehouseArgs> = {
  target: 'bigquery',
  argsSchema,
  setup(bq, { name, parent, project }) {
    const names = schemaNames(bq.schema, project);
    const drop = bq.dropSchemasOnDestroy ?? false;
    const { bigquery } = needsPackage(bq, bq.signalsMember) ? loadPackage<typeof gcp>(PACKAGE, 'bigquery') : ({} as typeof gcp);

    const schemas: gcp.bigquery.Dataset[] = [];
    if (bq.createSchemas ?? true) {
      for (const [kind, datasetId] of Object.entries(names)) {
        schemas.push(
          new bigquery.Dataset(
            `${name}-${kind}-dataset`,
            {
              project: bq.project,
              datasetId,
              location: bq.location,
              description: `signals-batch: ${kind} tables of ${project.name}`,
              deleteContentsOnDestroy: drop,
            },
            // Destroy keeps the warehouse tables unless asked to drop them.
            { parent, retainOnDelete: !drop },
          ),
        );
      }
    }

    const grants: gcp.bigquery.DatasetIamMember[] = [];
    const grantViewer = (dependsOn: pulumi.Resource[]) =>
      grants.push(
        new bigquery.DatasetIamMember(
          `${name}-grant-derived-viewer`,
          { project: bq.project, datasetId: names.derived, role: 'roles/bigquery.dataViewer', member: bq.signalsMember! },
          { parent, dependsOn },
        ),
      );
    // On a dataset created here the grant comes first; one dbt creates exists only after the run.
    if (bq.signalsMember !== undefined && schemas.length > 0) grantViewer(schemas);

    const connectionArgs: pulumi.Input<string>[] = [
      '--bigquery-project',
      bq.project,
      ...(bq.location !== undefined ? ['--bigquery-location', bq.location] : []),
      ...(bq.maximumBytesBilled !== undefined ? ['--bigquery-maximum-bytes-billed', String(bq.maximumBytesBilled)] : []),
      '--schema',
      bq.schema,
    ];
    return {
      attributeTable: pulumi
        .output(bq.project)
        .apply((database) => ({ database, schema: names.derived, table: project.tables.attributes })),
      connectionArgs,
      secretEnvironment: bq.keyfileJson === undefined ? undefined : secretEnvironment({ [SECRET_ENV.keyfileJson]: bq.keyfileJson }),
      identity: pulumi.interpolate`bigquery:${bq.project}/${bq.schema}`,
      defaultTargetName: 'prod',
      timestampField: (column) => column,
      runDependsOn: schemas,
      afterRun(run) {
        if (bq.signalsMember !== undefined && schemas.length === 0) grantViewer([run]);
      },
      schemas,
      grants,
    };
  },
};
