/**
 * Environment variables the CLI reads besides the Signals connection settings (`SIGNALS_ENV`,
 * owned by the Signals client): the reference batch-engine CLI's names.
 */
export { SIGNALS_ENV } from '../signals';
export { SECRET_ENV as WAREHOUSE_SECRET_ENV } from '../runner';

export const CLI_ENV = {
  repoPath: 'SNOWPLOW_REPO_PATH',
  target: 'SNOWPLOW_TARGET_TYPE',
  attributeGroupName: 'SNOWPLOW_ATTRIBUTE_GROUP_NAME',
  attributeGroupVersion: 'SNOWPLOW_ATTRIBUTE_GROUP_VERSION',
  verbose: 'SNOWPLOW_VERBOSE',
  checkAuth: 'SNOWPLOW_CHECK_AUTH',
  checkApi: 'SNOWPLOW_CHECK_API',
} as const;

/** A yes/no variable: unset or empty is undefined; false/0/no/off is false; anything else true. */
export function envFlag(name: string): boolean | undefined {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  return !/^(false|0|no|off)$/i.test(value.trim());
}
