/**
 * Signals API client for input that comes from users (the CLI, scripts): the operations of
 * `SignalsApi` (api.ts), with request bodies checked first, so an invalid one is refused without
 * calling the API.
 */
import { type BatchSourceConfig, validateBatchSourceConfig } from '../definition/batchSource';
import { SignalsApi } from './api';
import { SignalsInputError } from './errors';

export class SignalsClient extends SignalsApi {
  /**
   * `PUT .../batch_source` with `{name, database, wh_schema, table, timestamp_field, description?, owner?}`.
   * The body is validated first: an invalid one is refused without calling the API.
   */
  override async putBatchSource(name: string, version: number, config: BatchSourceConfig): Promise<unknown> {
    const checked = validateBatchSourceConfig(config);
    if (!checked.ok) {
      const problems = checked.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      throw new SignalsInputError(`Invalid batch source for attribute group ${name} version ${version}: ${problems.join('; ')}.`);
    }
    return super.putBatchSource(name, version, checked.config);
  }
}
