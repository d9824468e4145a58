import type { CaptionsConfig, CaptionsServerMessage as ServerCaptionsMessage } from '../ws/captions-protocol';
import type { CaptionsConfigMessage, CaptionsServerMessage } from './captions-wire';

/**
 * The client's wire types (captions-wire.ts, no imports so browsers can use them) must describe exactly what
 * the server sends and accepts. These checks fail `npm run typecheck` when one side changes without the other.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

// Every message the server sends is one the client understands, and the client expects no other.
export type ServerMessagesMatch = Assert<Equal<Simplify<ServerCaptionsMessage>, Simplify<CaptionsServerMessage>>>;
// The config the client sends is the config the server parses.
export type ConfigMatches = Assert<Equal<Simplify<CaptionsConfig>, Simplify<CaptionsConfigMessage>>>;

/** Flattens interfaces and nested objects so that structurally equal types compare equal. */
type Simplify<T> = T extends readonly (infer U)[] ? Simplify<U>[] : T extends object ? { [K in keyof T]: Simplify<T[K]> } : T;

test('the wire types are checked at compile time (npm run typecheck)', () => {
  const checked: [ServerMessagesMatch, ConfigMatches] = [true, true];
  expect(checked).toEqual([true, true]);
});
