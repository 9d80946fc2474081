// What an action is: its request schema and its handler. One file per action under
// src/services/<service>/actions/<Action>.ts exports one ActionDefinition as default.
// The gateway (src/server) validates and coerces the request against `request` before
// calling `handle`, so a handler receives typed, already-checked input.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.ts';
import type { Clock } from './time.ts';
import type { Config } from './config.ts';
import type { Catalog } from './catalog/types.ts';
import type { InstanceCatalog } from './privileges.ts';
import type { InstanceLogs } from './logs.ts';

/** Field types as the Tencent documents name them. */
export type FieldType =
  | 'string'
  | 'integer' // JSON number without fraction (Tencent "Integer")
  | 'number' // any JSON number (Tencent "Float")
  | 'boolean'
  | { array: FieldType }
  | { object: RequestSchema };

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  description: string;
}

export type RequestSchema = Record<string, FieldSpec>;

export interface Account {
  /** Uin of the root account, a decimal string like "100000000001". */
  uin: string;
  appId: number;
}

export interface ActionContext {
  account: Account;
  /** Region of the request (X-TC-Region / Region); "" when the client sent none. */
  region: string;
  requestId: string;
  language: 'en-US' | 'zh-CN';
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  catalog: Catalog;
  log: Logger;
  /** Tells the reconciler that desired state changed, so it runs now instead of at its next tick. */
  wakeReconciler(): void;
  /** Object privileges on the instances' running servers (src/core/privileges.ts); absent without an engine. */
  instanceCatalog?: InstanceCatalog;
  /** The servers' logs (src/core/logs.ts); absent without an engine. */
  instanceLogs?: InstanceLogs;
}

export interface ActionDefinition<Req = any, Res = Record<string, unknown>> {
  service: string; // e.g. "postgres"
  version: string; // e.g. "2017-03-12"
  name: string; // e.g. "CreateInstances"
  /**
   * Requests per second per account, for actions without a documented limit only (test-only actions):
   * a real action's limit is its entry in src/core/catalog/rate-limits.json, which wins.
   */
  rateLimit?: number;
  /** Whether the action needs a region (most do). */
  regionRequired?: boolean;
  request: RequestSchema;
  handle(ctx: ActionContext, req: Req): Promise<Res>;
}

export const defineAction = <Req, Res extends Record<string, unknown>>(
  def: ActionDefinition<Req, Res>,
): ActionDefinition<Req, Res> => def;
