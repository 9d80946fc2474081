// CreateDatabase: recorded with its owner (an account of the instance); the reconciler creates it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getDatabase, insertDatabase } from '../../../store/lifecycle.ts';
import { checkDatabaseName, findInstance, requireStatus, refuseOnReadOnly } from '../lifecycle.ts';
import { findAccount, touchInstance } from '../accounts.ts';

interface Request {
  DBInstanceId: string;
  DatabaseName: string;
  DatabaseOwner: string;
  Encoding?: string;
  Collate?: string;
  Ctype?: string;
}

const ENCODINGS = ['UTF8', 'LATIN1', 'SQL_ASCII'];
const LOCALE = /^(C|POSIX|C\.UTF-8|C\.utf8|en_US\.UTF-8|en_US\.utf8)$/;

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateDatabase',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    DatabaseName: { type: 'string', required: true, description: 'Database name.' },
    DatabaseOwner: { type: 'string', required: true, description: 'Owner: an account of the instance.' },
    Encoding: { type: 'string', description: 'Character encoding; the instance charset by default.' },
    Collate: { type: 'string', description: 'Collation (LC_COLLATE).' },
    Ctype: { type: 'string', description: 'Character classification (LC_CTYPE).' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'CreateDatabase');
    // A new database takes space: not while the instance is read-only at its storage quota.
    requireStatus(row, ['running'], 'CreateDatabase');
    checkDatabaseName(req.DatabaseName);
    const owner = await findAccount(ctx, row, req.DatabaseOwner);
    const encoding = (req.Encoding ?? row.charset).toUpperCase().replace('-', '');
    if (!ENCODINGS.includes(encoding)) throw new ApiError('InvalidParameterValue.InvalidCharset', `Encoding "${req.Encoding}" is not supported; valid values: ${ENCODINGS.join(', ')}.`);
    for (const [field, v] of [['Collate', req.Collate], ['Ctype', req.Ctype]] as const)
      if (v !== undefined && v !== '' && !LOCALE.test(v)) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${field} "${v}" is not available; valid values: C, POSIX, C.UTF-8, en_US.UTF-8.`);
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      if (await getDatabase(trx, row.id, req.DatabaseName))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `The database ${req.DatabaseName} already exists in instance ${row.id}.`);
      await insertDatabase(trx, {
        instance_id: row.id, name: req.DatabaseName, owner: owner.name, encoding: req.Encoding ? encoding : '',
        collate: req.Collate ?? '', ctype: req.Ctype ?? '', status: 'creating', created_at: now, updated_at: now,
      });
      await touchInstance(ctx, row, 'CreateDatabase', trx);
    });
    ctx.wakeReconciler();
    return {};
  },
});
