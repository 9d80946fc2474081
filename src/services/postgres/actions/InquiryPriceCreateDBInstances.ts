// InquiryPriceCreateDBInstances: the list price of an order (prepaid: months x count; pay-as-you-go:
// one hour x count). No activity is named in this request, so Price equals OriginalPrice.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { CURRENCY, orderPrice } from '../../../core/billing/pricing.ts';
import { DEFAULT_STORAGE_TYPE, STORAGE_TYPES } from '../../../core/catalog/types.ts';
import { PREPAID_PERIODS } from '../rules.ts';

interface Request {
  Zone: string;
  SpecCode: string;
  Storage: number;
  InstanceCount: number;
  Period: number;
  Pid?: number;
  InstanceChargeType?: string;
  InstanceType?: string;
  DBEngine?: string;
  StorageType?: string;
}

export default defineAction<Request, { OriginalPrice: number; Price: number; Currency: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'InquiryPriceCreateDBInstances',
  request: {
    Zone: { type: 'string', required: true, description: 'Availability zone.' },
    SpecCode: { type: 'string', required: true, description: 'Specification code (DescribeClasses).' },
    Storage: { type: 'integer', required: true, description: 'Storage in GB, step 10.' },
    InstanceCount: { type: 'integer', required: true, description: 'Number of instances, at most 100.' },
    Period: { type: 'integer', required: true, description: 'Months: 1-12, 24, 36.' },
    Pid: { type: 'integer', description: 'Disused billing ID; ignored.' },
    InstanceChargeType: { type: 'string', description: 'PREPAID (default), POSTPAID or POSTPAID_BY_HOUR.' },
    InstanceType: { type: 'string', description: 'primary (default) or readonly.' },
    DBEngine: { type: 'string', description: 'postgresql (default) or mssql_compatible.' },
    StorageType: { type: 'string', description: 'Storage type.' },
  },
  async handle(ctx, req) {
    const zone = ctx.catalog.zone(req.Zone);
    if (!zone) throw new ApiError('InvalidParameterValue.InvalidZoneIdError', `Zone "${req.Zone}" does not exist; see DescribeZones.`);
    if (zone.Region !== ctx.region) throw new ApiError('InvalidParameterValue.IllegalRegion', `Zone ${req.Zone} is not in region ${ctx.region || '(none)'}.`);
    const spec = ctx.catalog.spec(req.SpecCode);
    if (!spec) throw new ApiError('InvalidParameterValue.SpecNotRecognizedError', `Failed to identify the specification (${req.SpecCode}); see DescribeClasses.`);
    const storageType = req.StorageType ?? DEFAULT_STORAGE_TYPE;
    if (!(STORAGE_TYPES as readonly string[]).includes(storageType) || !spec.StorageTypes.includes(storageType))
      throw new ApiError('InvalidParameterValue.BadSpec', `Specification ${spec.SpecCode} is not sold with storage type ${storageType}.`);
    if (req.Storage % 10 !== 0 || req.Storage < spec.MinStorage || req.Storage > spec.MaxStorage)
      throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Storage must be a multiple of 10 GB between ${spec.MinStorage} and ${spec.MaxStorage} for ${spec.SpecCode} (got ${req.Storage}).`);
    if (req.InstanceCount < 1 || req.InstanceCount > 100) throw new ApiError('InvalidParameterValue.InvalidInstanceNum', `InstanceCount must be between 1 and 100 (got ${req.InstanceCount}).`);
    if (!PREPAID_PERIODS.includes(req.Period)) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Period ${req.Period} is invalid; valid values: ${PREPAID_PERIODS.join(', ')}.`);
    const type = (req.InstanceChargeType ?? 'PREPAID').toUpperCase();
    if (type !== 'PREPAID' && type !== 'POSTPAID' && type !== 'POSTPAID_BY_HOUR')
      throw new ApiError('InvalidParameterValue.IllegalInstanceChargeType', `InstanceChargeType "${req.InstanceChargeType}" is invalid; valid values: PREPAID, POSTPAID_BY_HOUR.`);
    if (req.InstanceType !== undefined && req.InstanceType !== 'primary' && req.InstanceType !== 'readonly')
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `InstanceType "${req.InstanceType}" is invalid; valid values: primary, readonly.`);
    const engine = req.DBEngine ?? 'postgresql';
    if (engine !== 'postgresql' && engine !== 'mssql_compatible') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DBEngine "${engine}" is invalid.`);
    const price = orderPrice({ memoryMb: spec.Memory, storageGb: req.Storage, chargeType: type === 'PREPAID' ? 'PREPAID' : 'POSTPAID_BY_HOUR', period: req.Period, count: req.InstanceCount });
    return { OriginalPrice: price, Price: price, Currency: CURRENCY };
  },
});
