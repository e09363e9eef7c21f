/** `signals-batch unmaterialize`: unpublish the group and remove its batch source in Signals. */
import type { Command } from 'commander';
import { createClient, groupCommand, type GroupCommandOptions, requireGroup, signalsCall } from '../signalsOptions';

export function registerUnmaterialize(program: Command): void {
  groupCommand(
    program.command('unmaterialize').description('Unpublish the group and remove its batch source in Signals (missing objects are fine)'),
    { required: false },
  ).action(async (opts: GroupCommandOptions, command: Command) => {
    const group = requireGroup(opts);
    const client = createClient(opts, command);
    const result = await signalsCall(() => client.unmaterialize(group.name, group.version));
    const source = result.batchSource.removed ? `batch source removed (${result.batchSource.via})` : 'no batch source to remove';
    process.stdout.write(
      `unmaterialized ${group.name} v${group.version}: ${result.unpublish.status} (${result.unpublish.via}); ${source}\n`,
    );
  });
}
