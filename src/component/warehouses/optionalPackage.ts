/**
 * The Pulumi packages of the warehouses a user may not need (optional peer dependencies): a Snowflake
 * user installs no GCP or Databricks SDK. Each is loaded only when its warehouse is used, and its absence
 * is reported at construction, before anything registers, with the command that installs it.
 */
import type { z } from 'zod';

/** Each optional package and the version this package is built and tested with (its peer dependency). */
export const OPTIONAL_PACKAGES = {
  '@pulumi/gcp': '9.37.0',
  '@pulumi/databricks': '1.110.0',
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** Why `name` cannot be loaded for `warehouse` (with how to install it), or undefined when it can. */
export function missingPackage(
  name: OptionalPackage,
  warehouse: string,
  resolve: (id: string) => string = require.resolve,
): string | undefined {
  try {
    resolve(name);
    return undefined;
  } catch {
    return `warehouse.${warehouse} needs the ${name} package, an optional peer dependency of signals-batch: install it with \`npm install ${name}@${OPTIONAL_PACKAGES[name]}\``;
  }
}

/** The package, loaded now (the unit's schema has already checked it is there). */
export function loadPackage<T>(name: OptionalPackage, warehouse: string): T {
  const problem = missingPackage(name, warehouse);
  if (problem) throw new Error(problem);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name) as T;
}

/** Whether a warehouse's arguments use its package: it creates the schemas (the default) or grants to Signals. */
export function needsPackage(args: { createSchemas?: boolean }, grantee: unknown): boolean {
  return (args.createSchemas ?? true) || grantee !== undefined;
}

/**
 * The checks of a warehouse's provisioning arguments, as issues of its zod schema: dropping needs
 * creating, and the package must be installed when the arguments use it.
 */
export function provisioningIssues(
  args: { createSchemas?: boolean; dropSchemasOnDestroy?: boolean },
  grantee: unknown,
  use: { name: OptionalPackage; warehouse: string; schemas: string },
  ctx: z.RefinementCtx,
): void {
  if (args.dropSchemasOnDestroy && args.createSchemas === false) {
    ctx.addIssue({
      code: 'custom',
      message: `dropSchemasOnDestroy needs createSchemas (the ${use.schemas} are managed elsewhere)`,
      path: ['dropSchemasOnDestroy'],
    });
  }
  const problem = needsPackage(args, grantee) ? missingPackage(use.name, use.warehouse) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}
