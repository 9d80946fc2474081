// DescribeAccountBalance (billing 2018-07-09): the caller's balance in cents. pgcloud keeps one cash
// account per Uin: RealBalance = Cash - FreezeAmount - OweAmount, which is the ledger's sum.
import { defineAction } from '../../../core/action.ts';
import { ensureBalance, getBalance } from '../../../store/billing.ts';

export default defineAction<{ TempCredit?: boolean }, Record<string, unknown>>({
  service: 'billing',
  version: '2018-07-09',
  name: 'DescribeAccountBalance',
  regionRequired: false,
  request: {
    TempCredit: { type: 'boolean', description: 'Whether to query the temporary credit (always 0 in pgcloud).' },
  },
  async handle(ctx) {
    // The balance row and its initial top-up are one write: an order at the same moment sees both or neither.
    await ctx.db.transaction().execute((trx) => ensureBalance(trx, ctx.account.uin, ctx.config.initialBalance, ctx.clock.now().toISOString()));
    const row = (await getBalance(ctx.db, ctx.account.uin))!;
    const balance = Number(row.balance);
    const frozen = Number(row.frozen);
    const owe = Math.max(0, -balance);
    const cash = Math.max(0, balance) + frozen;
    return {
      Balance: balance,
      Uin: Number(ctx.account.uin),
      RealBalance: balance,
      CashAccountBalance: cash,
      IncomeIntoAccountBalance: 0,
      PresentAccountBalance: 0,
      FreezeAmount: frozen,
      OweAmount: owe,
      IsAllowArrears: false,
      IsCreditLimited: false,
      CreditAmount: 0,
      CreditBalance: cash - owe,
      RealCreditBalance: cash - owe - frozen,
      TempCredit: 0,
      TempAmountInfoList: [],
    };
  },
});
