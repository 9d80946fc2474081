// What of a server's pg_settings pgcloud offers as TencentDB parameters, and the Tencent metadata that
// pg_settings does not have. Read by generate.ts, which writes src/core/catalog/parameters.json.
//
// Sources (see README, "Parameters"):
// - vendor: the API's examples (DescribeDefaultParameters, DescribeDBInstanceParameters,
//   DescribeParameterTemplateAttributes, ModifyParameterTemplate, ModifyDBInstanceParameters) and the
//   Terraform provider's tests name parameters the real service offers and show their metadata:
//   jit_inline_above_cost, autovacuum_multixact_freeze_max_age (NeedReboot true), search_path (type
//   "string"), vacuum_multixact_freeze_table_age, max_connections (SpecRelated, Min 100), wal_level
//   (enum replica/logical: "minimal is not allowed"), max_worker_processes (SpecRelated, StandbyRelated 1),
//   max_wal_senders, max_logical_replication_workers, max_replication_slots, array_nulls,
//   max_standby_streaming_delay/max_standby_archive_delay (integers, the provider Atoi's them),
//   check_function_bodies, timezone ("PRC", "UTC"), lc_time ("POSIX"), lock_timeout, event_triggers,
//   min_parallel_index_scan_size, enable_async_append, enable_group_by_reordering, vacuum_freeze_table_age;
//   classifications "Query Tuning"/查询优化, "Autovacuum"/AUTOVACUUM, "Client Connection Defaults"/
//   客户端连接默认值, "Connections and Authentication"/连接和认证, "Write-Ahead Log"/WAL,
//   "Resource Usage"/资源使用 (pg_settings' top-level categories); English descriptions are
//   pg_settings' short_desc; Advanced is false in every example.
// - pg_settings of each installed major: names, types, units, ranges, enum values, contexts
//   (NeedReboot = context postmaster), defaults.
// - inferred (pgcloud's choice): everything below marked so.

/** Categories never offered: developer switches, compile-time presets, file locations. */
export const EXCLUDED_CATEGORIES = ['Developer Options', 'Preset Options', 'File Locations'];

/**
 * Settings pgcloud keeps for itself (inferred: a managed service does not hand these out), with why.
 * Settings of context "internal" are never offered either.
 */
export const EXCLUDED: Record<string, string> = {
  // The engine's own: address, sockets, logging destination, server identity.
  listen_addresses: 'the instance address', port: 'the instance port', unix_socket_directories: 'pgcloud socket',
  unix_socket_group: 'pgcloud socket', unix_socket_permissions: 'pgcloud socket', bonjour: 'no mDNS', bonjour_name: 'no mDNS',
  superuser_reserved_connections: "pgcloud's own connections", reserved_connections: "pgcloud's own connections",
  cluster_name: 'engine', logging_collector: 'server log', log_destination: 'server log', log_directory: 'server log',
  log_filename: 'server log', log_file_mode: 'server log', log_rotation_age: 'server log', log_rotation_size: 'server log',
  log_truncate_on_rotation: 'server log', log_line_prefix: 'server log format', syslog_facility: 'server log',
  syslog_ident: 'server log', syslog_sequence_numbers: 'server log', syslog_split_messages: 'server log', event_source: 'Windows only',
  huge_pages: 'engine', huge_page_size: 'engine', shared_memory_type: 'engine', dynamic_shared_memory_type: 'engine',
  min_dynamic_shared_memory: 'engine', max_files_per_process: 'host resource', max_stack_depth: 'a value above the host limit stops the server from starting',
  stats_temp_directory: 'file location', dynamic_library_path: 'file location', extension_control_path: 'file location',
  jit_provider: 'library', local_preload_libraries: 'library', session_preload_libraries: 'library',
  // Authentication and TLS: SCRAM only; TLS is ModifyDBInstanceSSLConfig's.
  password_encryption: 'pgcloud stores SCRAM-SHA-256 verifiers only', db_user_namespace: 'authentication',
  krb_server_keyfile: 'authentication', krb_caseins_users: 'authentication', gss_accept_delegation: 'authentication',
  oauth_validator_libraries: 'authentication', ssl: 'TLS', ssl_ca_file: 'TLS', ssl_cert_file: 'TLS', ssl_ciphers: 'TLS',
  ssl_crl_dir: 'TLS', ssl_crl_file: 'TLS', ssl_dh_params_file: 'TLS', ssl_ecdh_curve: 'TLS', ssl_groups: 'TLS', ssl_key_file: 'TLS',
  ssl_max_protocol_version: 'TLS', ssl_min_protocol_version: 'TLS', ssl_passphrase_command: 'TLS',
  ssl_passphrase_command_supports_reload: 'TLS', ssl_prefer_server_ciphers: 'TLS', ssl_tls13_ciphers: 'TLS',
  // Replication, archiving and recovery: the HA and backup machinery's.
  synchronous_standby_names: 'SyncMode (ModifyDBInstanceHAConfig)', synchronized_standby_slots: 'HA', hot_standby: 'HA',
  primary_conninfo: 'HA', primary_slot_name: 'HA', promote_trigger_file: 'HA', recovery_min_apply_delay: 'HA (failover data)',
  sync_replication_slots: 'HA', wal_receiver_create_temp_slot: 'HA', max_slot_wal_keep_size: 'HA (a standby slot must not be invalidated)',
  idle_replication_slot_timeout: 'HA (a standby slot must not be invalidated)', archive_mode: 'backups', archive_command: 'backups',
  archive_library: 'backups', archive_timeout: 'backups', restore_command: 'backups', archive_cleanup_command: 'backups',
  recovery_end_command: 'backups', recovery_target: 'restores', recovery_target_action: 'restores', recovery_target_inclusive: 'restores',
  recovery_target_lsn: 'restores', recovery_target_name: 'restores', recovery_target_time: 'restores', recovery_target_timeline: 'restores',
  recovery_target_xid: 'restores', summarize_wal: 'backups', wal_summary_keep_time: 'backups',
  // Durability and crash handling stay safe.
  fsync: 'durability', full_page_writes: 'durability', data_sync_retry: 'crash handling', exit_on_error: 'crash handling',
  restart_after_crash: 'crash handling', recovery_init_sync_method: 'crash handling',
  // Session-only or pgcloud-controlled switches.
  default_transaction_read_only: 'read-only at the storage quota', transaction_isolation: 'session only',
  transaction_read_only: 'session only', transaction_deferrable: 'session only', session_replication_role: 'superuser only',
  client_encoding: 'session only', application_name: 'session only', allow_alter_system: 'no ALTER SYSTEM for tenants',
  lo_compat_privileges: 'privileges', createrole_self_grant: 'privileges', restrict_nonsystem_relation_kind: 'security',
  default_tablespace: 'no tablespaces for tenants', temp_tablespaces: 'no tablespaces for tenants',
  debug_pretty_print: 'debugging', debug_print_parse: 'debugging', debug_print_plan: 'debugging', debug_print_rewritten: 'debugging',
  // SLRU buffer sizes (17+): up to 1 GB of shared memory each, for the engine to size.
  commit_timestamp_buffers: 'shared memory', multixact_member_buffers: 'shared memory', multixact_offset_buffers: 'shared memory',
  notify_buffers: 'shared memory', serializable_buffers: 'shared memory', subtransaction_buffers: 'shared memory',
  transaction_buffers: 'shared memory',
};

/** pg_settings names that TencentDB spells in lower case (the provider's examples: "timezone"). */
export const RENAMED: Record<string, string> = { TimeZone: 'timezone', DateStyle: 'datestyle', IntervalStyle: 'intervalstyle' };

/**
 * Metadata that differs from pg_settings. type/enum: how a value is checked (values outside
 * pg_settings' own ones are refused); check: a syntax check for a free-form string; min/max: narrower
 * ranges; exclusive: single values a mutil_enum also takes on its own.
 */
export interface Override {
  type?: 'enum' | 'mutil_enum' | 'string';
  enum?: string[];
  /** The override applies in these majors only (elsewhere pg_settings' own metadata). */
  majors?: number[];
  check?: 'timezone' | 'datestyle' | 'search_path';
  min?: number;
  max?: number;
  exclusive?: string[];
  source: 'vendor' | 'inferred';
}

/** Libraries of the binaries worth preloading (inferred; offered where the major ships them). */
export const PRELOADABLE = ['pg_stat_statements', 'auto_explain', 'pg_prewarm', 'passwordcheck', 'auth_delay'];

export const OVERRIDES: Record<string, Override> = {
  wal_level: { enum: ['replica', 'logical'], source: 'vendor' },
  max_connections: { min: 100, source: 'vendor' },
  // Free-form strings a wrong value of which would stop the server at its next start: checked here.
  timezone: { check: 'timezone', source: 'inferred' },
  log_timezone: { check: 'timezone', source: 'inferred' },
  datestyle: { check: 'datestyle', source: 'inferred' },
  search_path: { check: 'search_path', source: 'vendor' },
  // Free-form strings offered as the values this build really has (the generator fills enum).
  lc_messages: { type: 'enum', enum: ['C', 'POSIX'], source: 'inferred' },
  lc_monetary: { type: 'enum', enum: ['C', 'POSIX'], source: 'inferred' },
  lc_numeric: { type: 'enum', enum: ['C', 'POSIX'], source: 'inferred' },
  lc_time: { type: 'enum', enum: ['C', 'POSIX'], source: 'vendor' },
  timezone_abbreviations: { type: 'enum', enum: ['Default', 'Australia', 'India'], source: 'inferred' },
  default_text_search_config: { type: 'enum', source: 'inferred' },
  default_table_access_method: { type: 'enum', enum: ['heap'], source: 'inferred' },
  shared_preload_libraries: { type: 'mutil_enum', source: 'inferred' },
  // PostgreSQL 18: a list of aspects, or a boolean on its own.
  log_connections: { type: 'mutil_enum', majors: [18], enum: ['receipt', 'authentication', 'authorization', 'setup_durations', 'all'], exclusive: ['on', 'off', 'true', 'false'], source: 'inferred' },
  // HA needs its own sender and slot.
  max_wal_senders: { min: 10, max: 1024, source: 'inferred' },
  max_replication_slots: { min: 10, max: 1024, source: 'inferred' },
  // Shared memory is sized from these at start: a huge value would keep the server from starting.
  max_worker_processes: { max: 1024, source: 'inferred' },
  max_locks_per_transaction: { max: 4096, source: 'inferred' },
  max_pred_locks_per_transaction: { max: 4096, source: 'inferred' },
  max_prepared_transactions: { max: 1000, source: 'inferred' },
  autovacuum_max_workers: { max: 64, source: 'inferred' },
  autovacuum_worker_slots: { max: 64, source: 'inferred' },
  max_logical_replication_workers: { max: 1024, source: 'inferred' },
  max_active_replication_origins: { max: 1024, source: 'inferred' },
};

/**
 * Parameters whose default (and for some, range) follows the instance's memory and CPU (SpecRelated);
 * the values come from src/core/sizing.ts at run time. max_connections and max_worker_processes are the
 * vendor's examples; the rest inferred from what the engine sizes.
 */
export const SPEC_RELATED = ['shared_buffers', 'effective_cache_size', 'work_mem', 'maintenance_work_mem', 'max_connections', 'max_parallel_workers', 'max_parallel_workers_per_gather', 'wal_buffers', 'max_worker_processes'];

/**
 * StandbyRelated 1 (the standby's value must not be below the primary's): max_worker_processes is the
 * vendor's example; the others are the settings a hot standby checks against its primary.
 */
export const STANDBY_RELATED = ['max_connections', 'max_worker_processes', 'max_prepared_transactions', 'max_locks_per_transaction', 'max_wal_senders'];

/** Chinese names of pg_settings' top-level categories (the first six are the vendor's). */
export const CLASS_CN: Record<string, string> = {
  'Query Tuning': '查询优化',
  Autovacuum: 'AUTOVACUUM',
  'Client Connection Defaults': '客户端连接默认值',
  'Connections and Authentication': '连接和认证',
  'Write-Ahead Log': 'WAL',
  'Resource Usage': '资源使用',
  Replication: '复制',
  'Reporting and Logging': '报告和日志',
  Statistics: '统计',
  'Lock Management': '锁管理',
  'Error Handling': '错误处理',
  'Version and Platform Compatibility': '版本和平台兼容性',
  'Process Title': '进程标题',
  Vacuuming: '清理',
};

/**
 * Chinese descriptions (the first few are the vendor's words; the rest pgcloud's). A parameter without
 * one has its English description in ParamDescriptionCH too.
 */
export const DESC_CN: Record<string, string> = {
  jit_inline_above_cost: '设置JIT编译尝试内联函数和操作符的查询代价阈值，如果查询代价超过这个值，JIT编译就会尝试内联',
  autovacuum_multixact_freeze_max_age: '设置表上多事务场景下的最大年龄，达到这个阀值将触发 autovacuum进程，从而避免 wraparound.',
  search_path: '默认的search_path',
  vacuum_multixact_freeze_table_age: '当表的pg_class.relfrozenxid域达到该设置指定的年龄时，VACUUM会执行一次全表扫描。 积极的扫描不同于常规的VACUUM，因为它会访问每个可能包含未冻结XID或MXID的页面，而不仅仅是那些可能包含死元组的页面',
  max_connections: '实例最大连接数',
  wal_level: '此参数决定记录到日志的信息，不允许设置为minimal',
  max_worker_processes: '系统能够支持的后台进程的最大数量',
  statement_timeout: '语句执行超时时间，0 表示不限制',
  lock_timeout: '锁等待超时时间，0 表示不限制',
  idle_in_transaction_session_timeout: '事务中空闲会话的超时时间，0 表示不限制',
  idle_session_timeout: '空闲会话（不在事务中）的超时时间，0 表示不限制',
  transaction_timeout: '事务的最长执行时间，0 表示不限制',
  deadlock_timeout: '死锁检测前的锁等待时间',
  log_min_duration_statement: '记录执行时间超过该值的语句（慢查询），-1 表示关闭，0 表示记录所有语句',
  log_statement: '记录哪些类型的 SQL 语句',
  log_connections: '记录每个成功的连接',
  log_disconnections: '记录会话结束及其持续时间',
  log_lock_waits: '记录等待锁时间超过 deadlock_timeout 的会话',
  log_temp_files: '记录大于该大小的临时文件，-1 表示关闭',
  log_checkpoints: '记录每个检查点',
  log_autovacuum_min_duration: '记录执行时间超过该值的自动清理操作，-1 表示关闭',
  log_min_messages: '写入服务器日志的消息级别',
  log_min_error_statement: '导致错误的语句在该级别及以上时被记录',
  log_error_verbosity: '日志消息的详细程度',
  log_duration: '记录每条完成的语句的持续时间',
  log_timezone: '日志中时间戳使用的时区',
  track_io_timing: '收集数据库 I/O 的耗时统计',
  track_activities: '收集每个会话正在执行的命令的信息',
  track_counts: '收集数据库活动的统计信息（自动清理依赖该统计）',
  track_functions: '收集函数调用的统计信息',
  track_activity_query_size: '为跟踪每个会话当前执行的命令保留的字节数',
  track_commit_timestamp: '记录事务的提交时间',
  default_statistics_target: '表字段默认的统计目标',
  random_page_cost: '优化器估计的随机读取一个磁盘页的代价',
  seq_page_cost: '优化器估计的顺序读取一个磁盘页的代价',
  cpu_tuple_cost: '优化器估计的处理每一行的代价',
  cpu_index_tuple_cost: '优化器估计的处理每个索引项的代价',
  cpu_operator_cost: '优化器估计的处理每个操作符或函数调用的代价',
  effective_cache_size: '优化器假设的单个查询可用的磁盘缓存大小',
  effective_io_concurrency: '可同时执行的并发磁盘 I/O 操作数',
  work_mem: '内部排序和哈希表在使用临时磁盘文件之前可使用的内存',
  maintenance_work_mem: '维护操作（VACUUM、CREATE INDEX 等）可使用的最大内存',
  autovacuum_work_mem: '每个自动清理工作进程可使用的最大内存，-1 表示使用 maintenance_work_mem',
  shared_buffers: '数据库服务器用于共享内存缓冲区的内存大小',
  temp_buffers: '每个会话可使用的临时缓冲区的最大数量',
  wal_buffers: 'WAL 在共享内存中使用的磁盘页缓冲区数量，-1 表示根据 shared_buffers 自动设置',
  huge_pages: '是否使用大页',
  max_parallel_workers: '同时可运行的并行工作进程的最大数量',
  max_parallel_workers_per_gather: '单个 Gather 节点可启动的并行工作进程的最大数量',
  max_parallel_maintenance_workers: '单个维护操作可使用的并行工作进程的最大数量',
  max_prepared_transactions: '可同时处于准备状态的事务（两阶段提交）的最大数目',
  max_locks_per_transaction: '每个事务可使用的锁的数量（共享锁表的大小依据）',
  max_pred_locks_per_transaction: '每个事务可使用的谓词锁的数量',
  max_wal_senders: 'WAL 发送进程的最大数量',
  max_replication_slots: '复制槽的最大数量',
  max_logical_replication_workers: '逻辑复制工作进程的最大数量',
  max_sync_workers_per_subscription: '每个订阅的表同步工作进程的最大数量',
  max_standby_streaming_delay: '备机应用流复制 WAL 时，与查询冲突的最长等待时间，-1 表示一直等待',
  max_standby_archive_delay: '备机应用归档 WAL 时，与查询冲突的最长等待时间，-1 表示一直等待',
  hot_standby_feedback: '备机是否向主机反馈正在执行的查询，以避免查询冲突',
  wal_sender_timeout: '超过该时间无响应的复制连接将被断开',
  wal_receiver_timeout: '超过该时间未收到主机消息的复制连接将被断开',
  wal_receiver_status_interval: '备机向主机报告复制状态的最长间隔',
  wal_keep_size: '为备机保留的 WAL 文件的大小',
  wal_keep_segments: '为备机保留的 WAL 文件的数量',
  synchronous_commit: '事务提交时是否等待 WAL 写入磁盘（及备机确认）',
  wal_compression: '是否压缩写入 WAL 的整页镜像',
  wal_writer_delay: 'WAL 写进程两次刷写之间的时间间隔',
  commit_delay: '事务提交后刷写 WAL 前的延迟',
  checkpoint_timeout: '自动 WAL 检查点之间的最长时间',
  checkpoint_completion_target: '检查点完成所用时间占检查点间隔的比例',
  checkpoint_warning: '因 WAL 文件写满触发的检查点间隔小于该值时写入警告',
  max_wal_size: '触发检查点前 WAL 可增长到的大小',
  min_wal_size: 'WAL 回收时保留的最小大小',
  autovacuum: '是否启动自动清理进程',
  autovacuum_naptime: '两次自动清理之间的休眠时间',
  autovacuum_max_workers: '同时运行的自动清理工作进程的最大数量',
  autovacuum_vacuum_threshold: '触发清理的最少更新或删除行数',
  autovacuum_analyze_threshold: '触发分析的最少插入、更新或删除行数',
  autovacuum_vacuum_scale_factor: '触发清理前表中更新或删除行数占表大小的比例',
  autovacuum_analyze_scale_factor: '触发分析前表中插入、更新或删除行数占表大小的比例',
  autovacuum_vacuum_insert_threshold: '触发清理的最少插入行数，-1 表示关闭插入触发的清理',
  autovacuum_vacuum_insert_scale_factor: '触发清理前表中插入行数占表大小的比例',
  autovacuum_freeze_max_age: '为防止事务 ID 回卷而自动清理表的事务年龄',
  autovacuum_vacuum_cost_delay: '自动清理的代价延迟，-1 表示使用 vacuum_cost_delay',
  autovacuum_vacuum_cost_limit: '自动清理的代价限制，-1 表示使用 vacuum_cost_limit',
  vacuum_cost_delay: '清理进程超过代价限制后的休眠时间',
  vacuum_cost_limit: '清理进程休眠前可累积的代价',
  vacuum_freeze_min_age: 'VACUUM 冻结行版本的最小事务年龄',
  vacuum_freeze_table_age: 'VACUUM 扫描全表以冻结行版本的事务年龄',
  vacuum_multixact_freeze_min_age: 'VACUUM 冻结多事务 ID 的最小年龄',
  vacuum_failsafe_age: 'VACUUM 为避免事务 ID 回卷而采取紧急措施的事务年龄',
  vacuum_multixact_failsafe_age: 'VACUUM 为避免多事务 ID 回卷而采取紧急措施的年龄',
  bgwriter_delay: '后台写进程两轮之间的休眠时间',
  bgwriter_lru_maxpages: '后台写进程每轮最多刷写的缓冲区数量',
  bgwriter_lru_multiplier: '后台写进程每轮刷写的缓冲区数量相对于近期使用量的倍数',
  timezone: '显示和解释时间戳使用的时区',
  datestyle: '日期和时间的显示格式',
  intervalstyle: '时间间隔的显示格式',
  lc_messages: '消息显示的语言',
  lc_monetary: '货币金额格式使用的区域设置',
  lc_numeric: '数字格式使用的区域设置',
  lc_time: '日期和时间格式使用的区域设置',
  default_text_search_config: '默认的全文检索配置',
  timezone_abbreviations: '日期时间输入中可识别的时区缩写集合',
  extra_float_digits: '浮点数输出的额外有效位数',
  client_min_messages: '发送给客户端的消息级别',
  check_function_bodies: 'CREATE FUNCTION 时是否检查函数体',
  default_transaction_isolation: '新事务的默认隔离级别',
  default_transaction_deferrable: '新事务的默认可延迟状态',
  array_nulls: '数组输入中的 NULL 是否表示空值',
  standard_conforming_strings: '普通字符串字面量中的反斜杠是否按字面处理',
  escape_string_warning: '普通字符串字面量中使用反斜杠转义时是否警告',
  backslash_quote: '字符串字面量中是否允许 \\\' 表示单引号',
  bytea_output: 'bytea 类型的输出格式',
  xmlbinary: 'XML 中二进制数据的编码方式',
  xmloption: 'XML 数据默认是文档还是内容片段',
  shared_preload_libraries: '服务器启动时预加载的共享库',
  event_triggers: '是否启用事件触发器',
  jit: '是否启用 JIT 编译',
  jit_above_cost: '查询代价超过该值时使用 JIT 编译，-1 表示关闭',
  jit_optimize_above_cost: '查询代价超过该值时对 JIT 编译的函数进行优化，-1 表示关闭',
  enable_seqscan: '优化器是否使用顺序扫描',
  enable_indexscan: '优化器是否使用索引扫描',
  enable_indexonlyscan: '优化器是否使用仅索引扫描',
  enable_bitmapscan: '优化器是否使用位图扫描',
  enable_hashjoin: '优化器是否使用哈希连接',
  enable_mergejoin: '优化器是否使用合并连接',
  enable_nestloop: '优化器是否使用嵌套循环连接',
  enable_hashagg: '优化器是否使用哈希聚合',
  enable_sort: '优化器是否使用显式排序',
  enable_material: '优化器是否使用物化',
  enable_async_append: '优化器是否使用异步追加',
  enable_group_by_reordering: '优化器是否重排 GROUP BY 的键',
  enable_partitionwise_join: '优化器是否使用分区连接',
  enable_partitionwise_aggregate: '优化器是否使用分区聚合',
  enable_partition_pruning: '优化器是否进行分区裁剪',
  enable_parallel_append: '优化器是否使用并行追加',
  enable_parallel_hash: '优化器是否使用并行哈希',
  enable_gathermerge: '优化器是否使用 Gather Merge',
  enable_incremental_sort: '优化器是否使用增量排序',
  enable_memoize: '优化器是否使用 Memoize',
  enable_tidscan: '优化器是否使用 TID 扫描',
  min_parallel_table_scan_size: '考虑并行扫描的表的最小数据量',
  min_parallel_index_scan_size: '考虑并行扫描的索引的最小数据量',
  parallel_setup_cost: '优化器估计的启动并行工作进程的代价',
  parallel_tuple_cost: '优化器估计的从并行工作进程传递每一行的代价',
  constraint_exclusion: '优化器是否使用约束排除',
  from_collapse_limit: 'FROM 列表中的子查询被合并的数量上限',
  join_collapse_limit: '显式 JOIN 被展开的数量上限',
  geqo: '是否启用遗传查询优化',
  geqo_threshold: '使用遗传查询优化的 FROM 项数阈值',
  plan_cache_mode: '预备语句使用通用计划还是定制计划',
  hash_mem_multiplier: '哈希操作可使用的内存相对于 work_mem 的倍数',
  logical_decoding_work_mem: '逻辑解码可使用的最大内存',
  temp_file_limit: '每个进程可使用的临时文件的最大总大小，-1 表示不限制',
  gin_pending_list_limit: 'GIN 索引待处理列表的最大大小',
  tcp_keepalives_idle: '发送 TCP keepalive 之前的空闲时间',
  tcp_keepalives_interval: 'TCP keepalive 重传之间的时间',
  tcp_keepalives_count: 'TCP keepalive 的最大重传次数',
  tcp_user_timeout: 'TCP 数据未被确认的最长时间',
  authentication_timeout: '完成客户端认证的最长时间',
  row_security: '是否启用行安全策略',
  wal_sync_method: '强制 WAL 写入磁盘的方法',
  max_pred_locks_per_relation: '单个关系上可持有的谓词锁页数或行数上限',
  max_pred_locks_per_page: '单个页上可持有的谓词锁行数上限',
  old_snapshot_threshold: '快照被视为过旧之前可使用的最长时间，-1 表示关闭',
};
