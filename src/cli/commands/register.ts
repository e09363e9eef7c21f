/**
 * `signals-batch register`: register a view (Signals API JSON) as an attribute group in Signals, in
 * either form (`--registration attributes|fields`) and with its sync frequency (`--sync-frequency`).
 * The body is the one the Pulumi component registers (`toApiGroup`).
 */
import { type Command, Option } from 'commander';
import { REFRESH_RATES, REGISTRATION_FORMS, toApiGroup, type RefreshRate, type RegistrationForm } from '../../definition';
import { CliError, cliStep } from '../errors';
import { readView } from '../projects';
import { createClient, signalsCall, withConnection, type ConnectionOptions } from '../signalsOptions';

interface RegisterOptions extends ConnectionOptions {
  view: string;
  registration: RegistrationForm;
  syncFrequency?: RefreshRate;
  owner?: string;
}

export function registerRegister(program: Command): void {
  withConnection(
    program
      .command('register')
      .description(
        'Register a view (Signals API JSON) as an attribute group in Signals (created, or updated in place); publication is left as it is',
      ),
  )
    .addOption(new Option('--view <file>', 'view definition, Signals API JSON (snake_case)').makeOptionMandatory())
    .addOption(
      new Option(
        '--registration <form>',
        "attributes: a batch group carrying the attribute definitions; fields: a warehouse group listing the attribute table's columns and types",
      )
        .choices(REGISTRATION_FORMS)
        .default('attributes'),
    )
    .addOption(
      new Option(
        '--sync-frequency <duration>',
        "how often Signals syncs the table (refresh_rate; default the view's refresh_rate, else PT1H)",
      ).choices(REFRESH_RATES),
    )
    .addOption(new Option('--owner <email>', 'group owner when the view has none'))
    .action(async (opts: RegisterOptions, command: Command) => {
      const view = await readView(opts.view);
      const body = await cliStep(
        () => toApiGroup(view, { form: opts.registration, refreshRate: opts.syncFrequency, owner: opts.owner }),
        opts.view,
        true,
      );
      if (body.owner === undefined)
        throw new CliError(`${opts.view}: the view has no owner; pass --owner <email> (Signals needs the group's owner).`);
      const client = createClient(opts, command);
      const { action } = await signalsCall(() => client.upsertAttributeGroup(body as { name: string; version: number }));
      process.stdout.write(`${action} ${view.name} v${view.version} (${opts.registration}, sync ${String(body.refresh_rate)})\n`);
    });
}
