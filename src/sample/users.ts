/**
 * The sample's users: who they are, drawn first from the generator's seeded stream (the events
 * of each user are drawn after, in events.ts).
 */
import { COUNTRIES, DEVICES, SAMPLE_APP_ID, SAMPLE_OTHER_APP_ID } from './catalogue';
import type { Random } from './random';
import { DAY, withOffset } from './time';

export interface User {
  domainUserid: string;
  networkUserid: string;
  userId: string | null;
  member: boolean;
  plan: string;
  appId: string;
  country: (typeof COUNTRIES)[number];
  device: (typeof DEVICES)[number];
  lang: string;
  /** Device clock offset (ms): derived_tstamp corrects it. */
  clockSkew: number;
  /** Sends only application errors: events no view of the sample counts. */
  errorsOnly: boolean;
  /** When the account was created, as the acme user entity writes it: ISO-8601 with an offset or Z. */
  signupTime: string;
}

/** `count` users, a share `otherAppFraction` of them on another app; sign-ups in the year before `start`. */
export function drawUsers(rng: Random, count: number, otherAppFraction: number, start: number): User[] {
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const loggedIn = rng.chance(0.35);
    users.push({
      domainUserid: rng.uuid(),
      networkUserid: rng.uuid(),
      userId: loggedIn ? `user_${String(i).padStart(4, '0')}@example.com` : null,
      member: rng.chance(0.5),
      plan: rng.pick(['free', 'pro', "pro 'plus'"]),
      appId: rng.chance(otherAppFraction) ? SAMPLE_OTHER_APP_ID : SAMPLE_APP_ID,
      country: rng.weighted(COUNTRIES.map((c) => [c, c[3]] as const)),
      device: rng.weighted(DEVICES.map((d) => [d, d.weight] as const)),
      lang: rng.pick(['en-US', 'de-DE', 'fr-FR', 'en-GB']),
      clockSkew: rng.chance(0.2) ? rng.int(-120_000, 120_000) : 0,
      errorsOnly: rng.chance(0.02),
      // spread over the year before the start, at several offsets (derived, so the random stream is unchanged)
      signupTime: withOffset(start - ((i * 7_919) % 365) * DAY - ((i * 104_729) % 86_400) * 1000, [0, 120, -300, 330][i % 4]),
    });
  }
  return users;
}
