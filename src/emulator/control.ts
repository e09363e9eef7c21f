/**
 * The emulator's own control plane, for tests driving an emulator in another process:
 * `POST /_emulator/faults` (a fault spec; `pathRegex` for a pattern), `DELETE /_emulator/faults`,
 * `GET /_emulator/state`. Every call needs the control token (header `X-Emulator-Control-Token`);
 * API tokens do not open it.
 */
import type { Authenticator } from './auth';
import { FaultInjector, FaultSpecError } from './faults';
import { Reply, methodNotAllowed, notFound, unprocessable } from './replies';
import type { EmulatorState } from './state';
import type { IncomingApiRequest } from './transport';

export const CONTROL_PREFIX = '/_emulator/';

export class ControlPlane {
  constructor(
    private readonly auth: Authenticator,
    private readonly faults: FaultInjector,
    private readonly state: EmulatorState,
  ) {}

  async handle(request: IncomingApiRequest): Promise<Reply> {
    const refused = this.auth.refuseControl(request.header);
    if (refused) return refused;
    const path = request.path.replace(/\/+$/, '');
    if (path === '/_emulator/faults') {
      if (request.method === 'DELETE') {
        this.faults.clear();
        return { status: 200, body: {} };
      }
      if (request.method !== 'POST') return methodNotAllowed();
      const read = await request.readJson();
      if (!read.ok) return read.reply;
      if (read.body === undefined) return unprocessable([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
      try {
        this.faults.injectJson(read.body);
      } catch (error) {
        if (error instanceof FaultSpecError) return unprocessable(error.detail);
        throw error;
      }
      return { status: 201, body: { pending: this.faults.pending().length } };
    }
    if (path === '/_emulator/state') {
      return request.method === 'GET' ? { status: 200, body: this.state.snapshot() } : methodNotAllowed();
    }
    return notFound();
  }
}
