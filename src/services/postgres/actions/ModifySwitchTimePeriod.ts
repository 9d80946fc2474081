// ModifySwitchTimePeriod: for an instance waiting for its switch (status waitSwitch), switch now
// (SwitchTag 0, the only value). No change of pgcloud waits for a switch window yet (spec changes,
// restarts and switchovers are done at once), so no instance is ever waiting: the answer is the
// status refusal the real service gives an instance that is not waiting.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance, requireStatus } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string; SwitchTag: number }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifySwitchTimePeriod',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'ID of the instance waiting for its switch.' },
    SwitchTag: { type: 'integer', required: true, description: '0: switch now.' },
  },
  async handle(ctx, req) {
    if (req.SwitchTag !== 0) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `SwitchTag ${req.SwitchTag} is invalid; valid values: 0 (switch now).`);
    const row = await findInstance(ctx, req.DBInstanceId);
    requireStatus(row, ['waitSwitch'], 'ModifySwitchTimePeriod');
    return {};
  },
});
