// Table types of the metadata store. Portable column types only (text, integer):
// the same queries run on SQLite (default) and PostgreSQL. Times are ISO-8601 UTC strings,
// flags are 0/1 integers, lists are JSON text.
import type { ColumnType, Generated } from 'kysely';

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
  // 004_lifecycle: desired state the reconciler converges on.
  parameters: Generated<string>; // JSON {name: value} of parameters the user changed
  read_only: Generated<number>; // 1 while the instance is at its storage quota
  restart_pending: Generated<number>; // 1 when a restart was asked for and not yet done
  generation: Generated<number>; // bumped by every change of desired state
  applied_generation: Generated<number>; // the generation the reconciler last applied
  disk_used_bytes: number | null; // size on disk last observed
  // 005_vpc: the instance's address in its subnet's address book, and IPv6 support.
  vpc_ip: ColumnType<string | null, string | null | undefined, string | null>;
  ipv6: Generated<number>;
  // 006_kms: transparent data encryption; dek_blob is the data key's CiphertextBlob under kms_key_id.
  tde: Generated<number>;
  kms_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  kms_region: ColumnType<string | null, string | null | undefined, string | null>;
  dek_blob: ColumnType<string | null, string | null | undefined, string | null>;
  // 006_ha: high availability (src/reconciler/ha.ts HaState as JSON); null for a single-node instance.
  ha: ColumnType<string | null, string | null | undefined, string | null>;
  // 012_faults: Semi-sync's current state ('sync' | 'async'; null single-node) and when provisioning was given up.
  sync_state: ColumnType<string | null, string | null | undefined, string | null>;
  failed_at: ColumnType<string | null, string | null | undefined, string | null>;
  // 011_readonly: a read-only instance's master, its node number among the master's servers, the master
  // server it last streamed from, and its read-only group and weight (src/store/readonly.ts).
  master_id: ColumnType<string | null, string | null | undefined, string | null>;
  ro_node: ColumnType<number | null, number | null | undefined, number | null>;
  ro_upstream: ColumnType<string | null, string | null | undefined, string | null>;
  ro_group_id: ColumnType<string | null, string | null | undefined, string | null>;
  ro_weight: Generated<number>;
  // 013_base_backups: a clone's source, base backup and recovery target (ISO; null: the backup's end).
  restore_source: ColumnType<string | null, string | null | undefined, string | null>;
  restore_backup: ColumnType<string | null, string | null | undefined, string | null>;
  restore_target: ColumnType<string | null, string | null | undefined, string | null>;
  // 015_ssl: TLS on, and the connect address its server certificate is for.
  ssl_enabled: Generated<number>;
  ssl_address: ColumnType<string | null, string | null | undefined, string | null>;
  // 015_maintenance_window: HH:MM (Beijing time), hours (1-4), JSON weekday names.
  maintain_start: Generated<string>;
  maintain_duration: Generated<number>;
  maintain_weekdays: Generated<string>;
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
  // 008: attributes ModifyVpcAttribute sets.
  dns_servers: Generated<string>; // JSON string[]
  domain_name: Generated<string>;
  enable_multicast: Generated<number>;
  route_vpc_publish: Generated<number>;
  route_vpc_publish_ipv6: Generated<number>;
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
  // 008: ModifySubnetAttribute's broadcast flag, and the route table the subnet is associated with.
  enable_broadcast: Generated<number>;
  route_table_id: ColumnType<string | null, string | null | undefined, string | null>;
}

// 008: each VPC's route tables (the default one, Main, is made with the VPC).
export interface RouteTablesTable {
  id: string; // rtb-xxxxxxxx
  uin: string;
  region: string;
  vpc_id: string;
  name: string;
  is_default: number;
  created_at: string;
}

// 008: the tags bound to resources, the one source of truth of every resource's tags (src/store/tags.ts).
export interface ResourceTagsTable {
  uin: string;
  resource: string; // qcs::<service>:<region>:uin/<uin>:<prefix>/<id>, uin always filled
  service: string;
  region: string;
  resource_prefix: string;
  resource_id: string;
  tag_key: string;
  tag_value: string;
  position: number; // order of the resource's tags (a new key goes last; a new value keeps its place)
  created_at: string;
}

export interface InstanceAccountsTable {
  instance_id: string;
  name: string;
  user_type: string; // "normal" | "tencentDBSuper"
  remark: string;
  status: number; // AccountInfo.Status: 1 creating, 2 normal, 3 modifying, 4 resetting password, -1 deleting
  verifier: string | null; // SCRAM-SHA-256 verifier, never the password
  locked: number;
  revision: number; // bumped by every change; applied_revision is what the server has
  applied_revision: number;
  created_at: string;
  updated_at: string;
  password_updated_at: string | null;
}

export interface InstanceDatabasesTable {
  instance_id: string;
  name: string;
  owner: string;
  encoding: string;
  collate: string;
  ctype: string;
  status: string; // "creating" | "normal" | "modifying" | "deleting"
  revision: number;
  applied_revision: number;
  created_at: string;
  updated_at: string;
}

export interface TasksTable {
  id: number; // TaskId = FlowId
  uin: string;
  instance_id: string;
  type: string;
  status: string; // "Running" | "Success" | "Fail"
  progress: number;
  generation: number; // done once the instance's applied_generation reaches it
  input: string; // JSON
  message: string;
  started_at: string;
  ended_at: string | null;
}

export interface ParamEventsTable {
  id: number;
  instance_id: string;
  name: string;
  old_value: string;
  new_value: string;
  state: string; // "in progress" | "success"
  generation: number;
  operator: string;
  modified_at: string;
  effective_at: string | null;
}

// Networks, security groups, tags and projects (migration 005): see src/store/vpc.ts.
export interface SecurityGroupsTable {
  id: string; // sg-xxxxxxxx
  uin: string;
  region: string;
  project_id: number;
  name: string;
  description: string;
  is_default: number;
  ingress: string; // JSON StoredPolicy[] in policy order
  egress: string; // JSON StoredPolicy[]
  version: number; // SecurityGroupPolicySet.Version, bumped by every policy change
  created_at: string;
  updated_at: string;
}

export interface InstanceSecurityGroupsTable {
  instance_id: string;
  group_id: string;
  position: number;
}

export interface SubnetAddressesTable {
  subnet_id: string;
  address: string; // IPv4 address in the subnet's CIDR
  instance_id: string;
  created_at: string;
}

export interface ProjectsTable {
  id: number;
  uin: string;
  name: string;
  info: string;
  created_at: string;
}

/** The tags that exist in the account (CreateTag, or made by binding them); DeleteTag removes unbound ones. */
export interface TagCatalogTable {
  uin: string;
  tag_key: string;
  tag_value: string;
  created_at: string;
}

// Billing (migration 003): see src/store/billing.ts.
export interface AccountBalancesTable {
  uin: string;
  balance: number; // available cents: always the sum of the account's ledger amounts
  frozen: number; // frozen cents: always the sum of the account's ledger frozen column
  arrears_since: string | null;
  updated_at: string;
}

export interface LedgerEntriesTable {
  id: string;
  uin: string;
  kind: string; // topup | charge | freeze | unfreeze | settle | refund | voucher
  amount: number; // signed effect on the available balance, cents
  frozen: number; // signed effect on the frozen amount, cents
  instance_id: string | null;
  deal_name: string | null;
  bill_id: string | null;
  voucher_id: string | null;
  description: string;
  created_at: string;
}

export interface VouchersTable {
  id: string;
  uin: string;
  nominal: number;
  balance: number;
  begin_time: string;
  end_time: string;
  remark: string;
  created_at: string;
}

export interface ActivitiesTable {
  id: number;
  name: string;
  percent_off: number;
  begin_time: string;
  end_time: string;
  created_at: string;
}

export interface InstanceBillingTable {
  instance_id: string;
  uin: string;
  charge_type: string;
  monthly_price: number;
  hourly_price: number;
  frozen: number;
  settled_until: string | null;
  refunded: number;
  created_at: string;
}

export interface ServiceClockTable {
  id: number;
  offset_ms: number;
  updated_at: string;
}

// 006_kms: customer master keys; material sealed with the master key (SecretBox).
export interface KmsKeysTable {
  key_id: string; // UUID
  uin: string;
  region: string;
  alias: string;
  description: string;
  key_usage: string; // ENCRYPT_DECRYPT
  key_state: string; // Enabled | Disabled | PendingDelete
  owner: string; // "user", or "postgres" for the service-managed TDE key
  material_enc: string;
  deletion_date: string | null;
  created_at: string;
  updated_at: string;
}

// 009_parameters: each server's settings as last read (pg_settings), and parameter templates.
export interface InstanceSettingsTable {
  instance_id: string;
  settings: string; // JSON {name (lower case): value in the setting's base unit}
  started_at: string; // the postmaster's start time
  observed_at: string;
}

export interface ParameterTemplatesTable {
  id: string; // TemplateId, a UUID
  seq: number; // creation order
  uin: string;
  region: string;
  name: string;
  description: string;
  db_major_version: string;
  db_engine: string;
  params: string; // JSON {name: ExpectedValue as given}
  created_at: string;
  updated_at: string;
}

// 010_backup_plans: what the backup scheduler follows (src/store/backupPlans.ts).
export interface BackupPlansTable {
  plan_id: string; // UUID (version 5 layout, as the real PlanIds)
  instance_id: string;
  uin: string;
  plan_name: string;
  plan_type: string; // "default" | "custom"
  period_type: string; // "week" | "month"
  periods: string; // JSON string[]: weekday names (week) or day-of-month numbers (month)
  min_start: string; // HH:MM:SS, Beijing time
  max_start: string;
  base_retention_days: number;
  log_retention_days: number;
  backup_method: string; // "physical"
  last_run_day: string | null; // Beijing date of the last day this plan's backup started
  created_at: string;
  updated_at: string;
}

// 011_readonly: read-only groups (src/store/readonly.ts).
export interface ReadonlyGroupsTable {
  id: string; // pgrogrp-xxxxxxxx
  uin: string;
  region: string;
  master_id: string;
  name: string;
  project_id: number;
  vpc_id: string;
  subnet_id: string;
  status: string; // "creating" | "ok" | "deleting"
  host: string | null; // the group's own address, where the relay listens
  port: number | null;
  replay_lag_eliminate: number;
  replay_latency_eliminate: number;
  max_replay_lag: number; // s
  max_replay_latency: number; // MB
  min_delay_eliminate_reserve: number;
  rebalance: number; // 1: weights assigned by pgcloud (by spec), 0: by the user
  created_at: string;
  updated_at: string;
}

// 013_base_backups: the base backup catalogue (src/store/baseBackups.ts).
export interface BaseBackupsTable {
  id: string; // BaseBackupId
  seq: number; // creation order
  instance_id: string;
  uin: string;
  name: string;
  method: string; // physical
  mode: string; // manual | automatic
  state: string; // init | running | finished | failed | canceled
  size: number; // bytes of the backup's files
  file_count: number;
  start_time: string | null; // ISO, the server's clock
  finish_time: string | null;
  expire_time: string | null;
  start_lsn: string | null;
  stop_lsn: string | null;
  timeline: number | null;
  start_wal: string | null;
  manifest_sha256: string | null; // sha256 of manifest.json, which has each file's sha256
  attempts: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface LogBackupsTable {
  id: string;
  instance_id: string;
  uin: string;
  name: string; // WAL file name
  size: number;
  finish_time: string; // ISO, when it was archived
  expire_time: string | null;
  created_at: string;
}

// 015_ssl: each account's CA (src/store/ssl.ts); key_enc sealed by the service's secret box.
export interface AccountCasTable {
  uin: string;
  token: string; // the CA certificate's download path segment (CAUrl)
  cert_pem: string;
  key_enc: string;
  created_at: string;
}

// 014_monitor_samples: monitoring series (src/store/monitor.ts).
export interface MonitorSamplesTable {
  instance_id: string;
  period: number; // tier resolution, s
  ts: number; // bucket start, Unix s
  v: string; // JSON {metric: number} (5 s) or {metric: [value, max, min]}
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  instances: InstancesTable;
  orders: OrdersTable;
  vpcs: VpcsTable;
  subnets: SubnetsTable;
  security_groups: SecurityGroupsTable;
  instance_security_groups: InstanceSecurityGroupsTable;
  subnet_addresses: SubnetAddressesTable;
  projects: ProjectsTable;
  tag_catalog: TagCatalogTable;
  resource_tags: ResourceTagsTable;
  route_tables: RouteTablesTable;
  instance_accounts: InstanceAccountsTable;
  instance_databases: InstanceDatabasesTable;
  tasks: TasksTable;
  param_events: ParamEventsTable;
  account_balances: AccountBalancesTable;
  ledger_entries: LedgerEntriesTable;
  vouchers: VouchersTable;
  activities: ActivitiesTable;
  instance_billing: InstanceBillingTable;
  service_clock: ServiceClockTable;
  kms_keys: KmsKeysTable;
  instance_settings: InstanceSettingsTable;
  parameter_templates: ParameterTemplatesTable;
  backup_plans: BackupPlansTable;
  readonly_groups: ReadonlyGroupsTable;
  base_backups: BaseBackupsTable;
  log_backups: LogBackupsTable;
  account_cas: AccountCasTable;
  monitor_samples: MonitorSamplesTable;
}
