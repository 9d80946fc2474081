// Table types of the metadata store. Portable column types only (text, integer):
// the same queries run on SQLite (default) and PostgreSQL. Times are ISO-8601 UTC strings,
// flags are 0/1 integers, lists are JSON text.
import type { Generated } from 'kysely';

export interface AccountsTable {
  uin: string; // root account Uin, decimal string
  app_id: number;
  name: string;
  is_default: number; // 1 for the account made on first start
  created_at: string;
}

export interface ApiKeysTable {
  secret_id: string;
  uin: string;
  secret_key_enc: string; // SecretKey sealed with the data directory's master key (src/core/secrets.ts)
  status: string; // "Active" | "Inactive"
  created_at: string;
}

export interface InstancesTable {
  id: string; // postgres-xxxxxxxx
  uin: string;
  region: string;
  zone: string;
  name: string;
  status: string; // DBInstanceStatus as the API reports it
  spec_code: string;
  cpu: number;
  memory_mb: number;
  storage_gb: number;
  storage_type: string;
  db_engine: string;
  db_version: string;
  db_major_version: string;
  db_kernel_version: string;
  charset: string;
  admin_name: string;
  admin_verifier: string; // SCRAM-SHA-256 verifier, never the password
  charge_type: string; // PREPAID | POSTPAID_BY_HOUR
  period: number;
  auto_renew: number;
  project_id: number;
  vpc_id: string;
  subnet_id: string;
  tags: string; // JSON [{TagKey, TagValue}]
  node_set: string; // JSON [{Role, Zone, DedicatedClusterId}]
  deletion_protection: number;
  deal_name: string;
  host: string | null; // connectable address, assigned by the reconciler
  port: number | null;
  desired_state: string; // "running" | "stopped" | "destroyed"
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  expire_time: string | null;
  isolated_time: string | null;
}

export interface OrdersTable {
  deal_name: string;
  uin: string;
  bill_id: string;
  pay_mode: number; // 1 prepaid, 0 postpaid (PgDeal.PayMode)
  count: number;
  instance_ids: string; // JSON string[]
  amount: number; // cents
  currency: string;
  action: string; // "purchase"
  flow_id: Generated<number> | number;
  created_at: string;
}

export interface VpcsTable {
  id: string; // vpc-xxxxxxxx
  uin: string;
  region: string;
  name: string;
  cidr_block: string;
  is_default: number;
  created_at: string;
}

export interface SubnetsTable {
  id: string; // subnet-xxxxxxxx
  uin: string;
  vpc_id: string;
  region: string;
  zone: string;
  name: string;
  cidr_block: string;
  is_default: number;
  created_at: string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  instances: InstancesTable;
  orders: OrdersTable;
  vpcs: VpcsTable;
  subnets: SubnetsTable;
}
